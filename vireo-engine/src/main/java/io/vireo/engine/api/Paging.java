package io.vireo.engine.api;

import io.javalin.http.Context;

/** The {@code max} and {@code page} query parameters, checked. */
public record Paging(int max, int page) {
    public static Paging of(Context ctx) {
        return new Paging(number(ctx, "max", 100, 1, 10_000), number(ctx, "page", 1, 1, 1_000_000));
    }

    private static int number(Context ctx, String name, int fallback, int min, int max) {
        String value = ctx.queryParam(name);
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed < min || parsed > max) {
                throw ApiException.invalid(name, "The " + name + " parameter must be between " + min + " and " + max);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw ApiException.invalid(name, "The " + name + " parameter must be a whole number, not '" + value + "'");
        }
    }
}
