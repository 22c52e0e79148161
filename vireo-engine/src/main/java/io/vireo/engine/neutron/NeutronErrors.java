package io.vireo.engine.neutron;

import io.vireo.engine.common.ConflictException;
import io.vireo.engine.common.DomainException;
import io.vireo.engine.common.ForbiddenException;
import io.vireo.engine.common.InvalidInputException;
import io.vireo.engine.common.NotFoundException;
import io.vireo.model.ErrorCode;

import java.util.Map;

/**
 * Neutron's refusals as domain exceptions: the status comes from the exception's kind (the HTTP edge decides it,
 * as everywhere), and Neutron's type name (NetworkNotFound, IpAddressAlreadyAllocated...) travels in the details
 * under {@value #TYPE}, where {@link NeutronResource}'s error shape reads it.
 */
final class NeutronErrors {
    /** The detail that holds Neutron's error type. */
    static final String TYPE = "neutronType";

    private NeutronErrors() {
    }

    static InvalidInputException badRequest(String type, String message) {
        return new InvalidInputException(ErrorCode.INVALID_FIELD, message, Map.of(TYPE, type));
    }

    /** A malformed request: Neutron's HTTPBadRequest. */
    static InvalidInputException invalid(String message) {
        return badRequest("HTTPBadRequest", message);
    }

    static NotFoundException notFound(String type, String message) {
        return new NotFoundException(ErrorCode.NOT_FOUND, message, Map.of(TYPE, type));
    }

    static ConflictException conflict(String type, String message) {
        return new ConflictException(ErrorCode.ENTITY_IN_USE, message, Map.of(TYPE, type));
    }

    static ForbiddenException forbidden(String message) {
        return new ForbiddenException(ErrorCode.FORBIDDEN, message, Map.of(TYPE, "HTTPForbidden"));
    }

    /** Neutron's type of a refusal: the one it carries, else the generic one of its status. */
    static String type(int status, Map<String, Object> details) {
        Object type = details.get(TYPE);
        if (type instanceof String name) {
            return name;
        }
        return switch (status) {
            case 400 -> "HTTPBadRequest";
            case 401 -> "HTTPUnauthorized";
            case 403 -> "HTTPForbidden";
            case 404 -> "HTTPNotFound";
            case 405 -> "HTTPMethodNotAllowed";
            case 409 -> "HTTPConflict";
            case 413 -> "HTTPRequestEntityTooLarge";
            case 429 -> "HTTPTooManyRequests";
            default -> status >= 500 ? "HTTPInternalServerError" : "HTTPClientError";
        };
    }

    static boolean is(DomainException e, String type) {
        return type.equals(e.details().get(TYPE));
    }
}
