package io.vireo.engine.events;

import io.vireo.engine.api.ApiServer;
import io.vireo.engine.api.QueryParameters;
import io.vireo.engine.api.RouteTable;
import io.vireo.engine.common.Paging;
import io.vireo.engine.common.Principal;

import java.util.function.Consumer;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * The event log over HTTP: read forwards from an index ({@code ?from=&max=}, how the portals and
 * the CLI follow it) or the newest few ({@code ?last=}, where a live view starts; with
 * {@code &before=} the page before an index, to read back). The caller's
 * audience comes from outside (the permission service sits above this package).
 */
public final class EventResource implements Consumer<RouteTable> {
    private final EventLog events;
    private final Function<Principal, EventLog.Audience> audienceOf;

    public EventResource(EventLog events, Function<Principal, EventLog.Audience> audienceOf) {
        this.events = requireNonNull(events, "events");
        this.audienceOf = requireNonNull(audienceOf, "audienceOf");
    }

    @Override
    public void accept(RouteTable routes) {
        routes.get("/api/events", "List events (those about objects I may see) from an index: ?from=N&max=M, "
                + "or the newest M: ?last=M (before an index: &before=N)", ctx -> {
            EventLog.Audience audience = audienceOf.apply(ApiServer.principal(ctx));
            if (QueryParameters.text(ctx, "last").isPresent()) {
                ctx.json(events.latest(QueryParameters.integer(ctx, "last", Paging.DEFAULT_LIMIT, 1, Paging.MAX_LIMIT),
                        QueryParameters.number(ctx, "before", Long.MAX_VALUE, 1, Long.MAX_VALUE), audience));
                return;
            }
            long from = QueryParameters.number(ctx, "from", 0, 0, Long.MAX_VALUE);
            ctx.json(events.list(from, QueryParameters.paging(ctx).max(), audience));
        });
    }
}
