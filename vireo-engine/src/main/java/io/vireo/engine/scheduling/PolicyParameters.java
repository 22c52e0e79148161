package io.vireo.engine.scheduling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vireo.model.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/** A cluster's scheduling parameters as stored (a JSON object) turned into the text map the policies take. */
public final class PolicyParameters {
    private static final ObjectMapper MAPPER = Json.lenientMapper();

    private PolicyParameters() {
    }

    /** {"highUtilization": 70} becomes highUtilization=70; null or blank is no parameter. */
    public static Map<String, String> fromJson(String json) {
        Map<String, String> parameters = new HashMap<>();
        if (json == null || json.isBlank() || json.equals("null")) {
            return parameters;
        }
        try {
            JsonNode node = MAPPER.readTree(json);
            node.fields().forEachRemaining(entry -> parameters.put(entry.getKey(), entry.getValue().asText()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return parameters;
    }
}
