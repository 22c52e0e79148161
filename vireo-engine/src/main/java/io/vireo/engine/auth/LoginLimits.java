package io.vireo.engine.auth;

/**
 * Limits on logging in, set in the engine's configuration.
 *
 * @param tokensPerUser the live bearer tokens a user may hold; a login beyond that revokes its oldest
 * @param attemptsPerMinute the requests to /sso/oauth/token one client address may make per minute
 *     (as many at once, then evenly spread); beyond that the engine answers 429 with Retry-After
 */
public record LoginLimits(int tokensPerUser, int attemptsPerMinute) {
    public static final LoginLimits DEFAULTS = new LoginLimits(50, 60);

    public LoginLimits {
        if (tokensPerUser < 1) {
            throw new IllegalArgumentException("a user needs to be allowed at least one token, not " + tokensPerUser);
        }
        if (attemptsPerMinute < 1) {
            throw new IllegalArgumentException("a client address needs at least one login attempt per minute, not "
                    + attemptsPerMinute);
        }
    }
}
