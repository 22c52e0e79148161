package io.vireo.engine.identity;

import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * One service of the OpenStack catalog that Vireo serves: its type (what clients look it up by: "network",
 * "volumev3"), its name, and the path of its endpoint on the engine's public URL, which may hold
 * {@value #PROJECT_ID} (replaced by the token's project: Cinder's {@code /volume/v3/{project_id}}).
 */
public record ServiceEndpoint(String type, String name, String pathTemplate) {
    public static final String PROJECT_ID = "{project_id}";
    private static final Pattern WORD = Pattern.compile("[a-z][a-z0-9-]*");
    private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9._-]+|/\\{project_id})+");

    public ServiceEndpoint {
        requireNonNull(type, "type");
        requireNonNull(name, "name");
        requireNonNull(pathTemplate, "pathTemplate");
        if (!WORD.matcher(type).matches() || !WORD.matcher(name).matches()) {
            throw new IllegalArgumentException("a service type and name are lower-case words, not " + type + " and " + name);
        }
        if (!PATH.matcher(pathTemplate).matches()) {
            throw new IllegalArgumentException("an endpoint path starts with / and has no trailing / (clients append to it "
                    + "and some add a version unless the path ends in one), not " + pathTemplate);
        }
    }

    /** The endpoint's URL for a token scoped to the project. */
    public String url(String publicUrl, String projectId) {
        return publicUrl + pathTemplate.replace(PROJECT_ID, requireNonNull(projectId, "projectId"));
    }
}
