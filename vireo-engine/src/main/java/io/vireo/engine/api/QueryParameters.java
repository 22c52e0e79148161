package io.vireo.engine.api;

import io.javalin.http.Context;
import io.vireo.engine.common.InvalidInputException;
import io.vireo.engine.common.Paging;

import java.util.Optional;

/** The one way query parameters are read: each checked, each refusal naming the parameter. */
public final class QueryParameters {
    private QueryParameters() {
    }

    /** {@code ?max=&page=}: at most {@link Paging#MAX_LIMIT} items a page, {@link Paging#DEFAULT_LIMIT} unless asked. */
    public static Paging paging(Context ctx) {
        return new Paging(integer(ctx, "max", Paging.DEFAULT_LIMIT, 1, Paging.MAX_LIMIT),
                integer(ctx, "page", 1, 1, Paging.MAX_PAGE));
    }

    /** {@code ?search=}, or empty when absent or blank. */
    public static Optional<String> search(Context ctx) {
        return text(ctx, "search").filter(value -> !value.isBlank());
    }

    public static Optional<String> text(Context ctx, String name) {
        return Optional.ofNullable(ctx.queryParam(name));
    }

    public static int integer(Context ctx, String name, int fallback, int min, int max) {
        return (int) number(ctx, name, fallback, min, max);
    }

    public static long number(Context ctx, String name, long fallback, long min, long max) {
        String value = ctx.queryParam(name);
        if (value == null) {
            return fallback;
        }
        long parsed;
        try {
            parsed = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw InvalidInputException.invalid(name, "The " + name + " parameter must be a whole number, not '"
                    + abbreviate(value) + "'");
        }
        if (parsed < min || parsed > max) {
            throw InvalidInputException.invalid(name, "The " + name + " parameter must be between " + min + " and " + max);
        }
        return parsed;
    }

    public static boolean bool(Context ctx, String name, boolean fallback) {
        String value = ctx.queryParam(name);
        if (value == null) {
            return fallback;
        }
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw InvalidInputException.invalid(name, "The " + name + " parameter must be true or false, not '"
                    + abbreviate(value) + "'");
        };
    }

    private static String abbreviate(String value) {
        return value.length() <= 80 ? value : value.substring(0, 77) + "...";
    }
}
