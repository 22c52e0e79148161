package io.vireo.engine.common;

/**
 * One page of a list: {@code max} items from page {@code page} (1-based). Every list of the API
 * pages this way, with at most {@link #MAX_LIMIT} items a page.
 */
public record Paging(int max, int page) {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 10_000;
    public static final int MAX_PAGE = 1_000_000;
    /** Everything a caller may see, for internal readers. */
    public static final Paging ALL = new Paging(Integer.MAX_VALUE, 1);

    public Paging {
        if (max < 1 || page < 1) {
            throw new IllegalArgumentException("max and page start at 1");
        }
    }

    public long offset() {
        return (long) max * (page - 1);
    }
}
