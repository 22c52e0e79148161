package io.vireo.engine.console;

import io.javalin.http.Context;

import java.io.InputStream;
import java.util.Map;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Serves the static files of a web page from the engine's own jar: under {@code urlPrefix}, the
 * resources under {@code resourceRoot}; the prefix alone gives index.html. Only plain relative paths
 * to files of a known type are served, so nothing outside the root (and no directory) can be read.
 */
final class ClasspathFiles {
    private static final Pattern SAFE_PATH = Pattern.compile("([A-Za-z0-9_.-]+/)*[A-Za-z0-9_-][A-Za-z0-9_.-]*");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "txt", "text/plain; charset=utf-8");

    private final String urlPrefix;
    private final String resourceRoot;

    ClasspathFiles(String urlPrefix, String resourceRoot) {
        this.urlPrefix = requireNonNull(urlPrefix, "urlPrefix");
        this.resourceRoot = requireNonNull(resourceRoot, "resourceRoot");
    }

    void serve(Context ctx) {
        String path = ctx.path();
        String relative = path.length() <= urlPrefix.length() ? "" : path.substring(urlPrefix.length());
        if (relative.isEmpty()) {
            relative = "index.html";
        }
        String type = type(relative);
        InputStream file = SAFE_PATH.matcher(relative).matches() && !relative.contains("..") && type != null
                ? ClasspathFiles.class.getClassLoader().getResourceAsStream(resourceRoot + relative) : null;
        if (file == null) {
            ctx.status(404);
            return;
        }
        ctx.contentType(type).header("X-Content-Type-Options", "nosniff")
                // the page is small and changes with the engine: always revalidate rather than run a stale one
                .header("Cache-Control", "no-cache")
                .result(file);
    }

    private static String type(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? null : TYPES.get(path.substring(dot + 1));
    }
}
