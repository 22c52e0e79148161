package io.vireo.engine.api;

import io.javalin.config.StaticFilesConfig;
import io.javalin.http.staticfiles.Location;

import java.util.Map;

/**
 * The browser pages served from the engine's jar: the desktop portal (/portal), the admin portal
 * (/admin), the small modules both share (/common) and the browser console (/console, with the
 * noVNC modules the build packs next to it). Plain HTML, CSS and ES modules, so there is
 * nothing to build and nothing for a user to install; they call the same public API as everyone.
 */
public final class WebPortals {
    static final Map<String, String> PAGES = Map.of(
            "/portal", "/web/portal",
            "/admin", "/web/admin",
            "/common", "/web/common",
            "/console", "/io/vireo/engine/console/page");

    private WebPortals() {
    }

    static void serve(StaticFilesConfig staticFiles) {
        PAGES.forEach((hostedPath, directory) -> staticFiles.add(files -> {
            files.hostedPath = hostedPath;
            files.directory = directory;
            files.location = Location.CLASSPATH;
            // the pages are small and change with the engine: always revalidate, never serve a stale module
            files.headers = Map.of("Cache-Control", "no-cache");
        }));
    }
}
