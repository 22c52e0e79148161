package io.vireo.model;

/** Answer of POST /sso/oauth/token (OAuth 2.0 password grant). */
public record TokenResponse(String access_token, String token_type, long expires_in) {
}
