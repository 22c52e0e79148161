package io.vireo.engine.identity;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** The JSON documents of OpenStack's identity API (Keystone v3) that Vireo answers, field for field. */
public final class Keystone {
    /** Vireo has one domain; every user and project is in it. */
    public static final String DOMAIN_ID = "default";
    public static final String DOMAIN_NAME = "Default";
    public static final String REGION = "RegionOne";
    /** The identity API version Vireo's answers follow (the token and project documents of Keystone v3.14). */
    public static final String VERSION = "v3.14";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private Keystone() {
    }

    /** Keystone's time format: UTC with microseconds and a Z. */
    static String time(Instant instant) {
        return TIME.format(instant);
    }

    public record Domain(String id, String name) {
        static final Domain DEFAULT = new Domain(DOMAIN_ID, DOMAIN_NAME);
    }

    public record Link(String rel, String href) {
    }

    public record MediaType(String base, String type) {
    }

    public record Version(String id, String status, String updated, List<Link> links,
                          @JsonProperty("media-types") List<MediaType> mediaTypes) {
    }

    public record VersionDocument(Version version) {
    }

    public record Versions(List<Version> values) {
    }

    public record VersionsDocument(Versions versions) {
    }

    public record User(String id, String name, Domain domain,
                       @JsonProperty("password_expires_at") String passwordExpiresAt) {
    }

    /** A project inside a token: id, name and domain. */
    public record ScopedProject(String id, String name, Domain domain) {
    }

    public record Role(String id, String name) {
    }

    public record Endpoint(String id, @JsonProperty("interface") String endpointInterface, String region,
                           @JsonProperty("region_id") String regionId, String url) {
    }

    public record CatalogService(String id, String type, String name, List<Endpoint> endpoints) {
    }

    /** A token; a project-scoped one has a project, roles and the catalog, an unscoped one none of them. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Token(List<String> methods, User user, @JsonProperty("audit_ids") List<String> auditIds,
                        @JsonProperty("expires_at") String expiresAt, @JsonProperty("issued_at") String issuedAt,
                        ScopedProject project, @JsonProperty("is_domain") Boolean isDomain, List<Role> roles,
                        List<CatalogService> catalog) {
    }

    public record TokenDocument(Token token) {
    }

    public record CatalogDocument(List<CatalogService> catalog, ListLinks links) {
    }

    /** A project as the project APIs show it. */
    public record Project(String id, String name, String description, @JsonProperty("domain_id") String domainId,
                          @JsonProperty("parent_id") String parentId, boolean enabled,
                          @JsonProperty("is_domain") boolean isDomain, List<String> tags, SelfLink links) {
    }

    public record SelfLink(String self) {
    }

    /** The links of a list: Vireo answers whole lists, so there is never a next or previous page. */
    public record ListLinks(String self, String previous, String next) {
    }

    public record ProjectDocument(Project project) {
    }

    public record ProjectsDocument(List<Project> projects, ListLinks links) {
    }

    /** Keystone's error body: {@code {"error": {"code": 401, "title": "Unauthorized", "message": "..."}}}. */
    public record Error(int code, String title, String message) {
    }

    public record ErrorDocument(Error error) {
    }

    /**
     * An error in Keystone's shape, which OpenStack clients read (with Vireo's own shape the {@code openstack}
     * client prints only "Unrecognized schema in response body").
     */
    static ErrorDocument error(int status, String message) {
        return new ErrorDocument(new Error(status, title(status), message));
    }

    static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 413 -> "Request Entity Too Large";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            default -> "Error";
        };
    }
}
