package io.vireo.engine.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Type;

import static java.util.Objects.requireNonNull;

/** Javalin's JSON through Vireo's strict Jackson configuration. */
public final class JacksonJsonMapper implements JsonMapper {
    private final ObjectMapper mapper;

    public JacksonJsonMapper(ObjectMapper mapper) {
        this.mapper = requireNonNull(mapper, "mapper");
    }

    @Override
    public String toJsonString(Object object, Type type) {
        try {
            return mapper.writeValueAsString(object);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public <T> T fromJsonString(String json, Type type) {
        try {
            return mapper.readValue(json, mapper.constructType(type));
        } catch (JsonProcessingException e) {
            throw new RequestBodyException(e);
        }
    }

    @Override
    public <T> T fromJsonStream(InputStream json, Type type) {
        try {
            return mapper.readValue(json, mapper.constructType(type));
        } catch (JsonProcessingException e) {
            throw new RequestBodyException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A body that could not be read; the error handler turns it into a 400 that names the problem. */
    public static final class RequestBodyException extends RuntimeException {
        public RequestBodyException(JsonProcessingException cause) {
            super(cause);
        }

        public JsonProcessingException jsonCause() {
            return (JsonProcessingException) getCause();
        }
    }
}
