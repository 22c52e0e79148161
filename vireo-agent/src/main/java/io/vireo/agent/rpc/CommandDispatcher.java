package io.vireo.agent.rpc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vireo.agent.hypervisor.HypervisorException;
import io.vireo.model.Json;
import io.vireo.model.rpc.AgentMethods;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/** Turns a JSON-RPC request into a command call after checking its epoch, and the outcome into a response. */
public final class CommandDispatcher {
    private static final Logger log = LoggerFactory.getLogger(CommandDispatcher.class);
    static final ObjectMapper MAPPER = Json.lenientMapper();

    private final Map<String, AgentCommand<?, ?>> commands = new HashMap<>();
    private final EpochGuard epochs;

    private final java.util.function.LongSupplier sequence;

    public CommandDispatcher(List<? extends AgentCommand<?, ?>> commands, EpochGuard epochs) {
        this(commands, epochs, () -> 0);
    }

    /** @param sequence numbers each answer after its command ran, in the order of the agent's other reports */
    public CommandDispatcher(List<? extends AgentCommand<?, ?>> commands, EpochGuard epochs, java.util.function.LongSupplier sequence) {
        commands.forEach(command -> this.commands.put(command.method().name(), command));
        this.epochs = requireNonNull(epochs, "epochs");
        this.sequence = requireNonNull(sequence, "sequence");
    }

    public ObjectNode dispatch(JsonNode request) {
        JsonNode id = request.get("id");
        String method = request.path("method").asText();
        JsonNode params = request.path("params");
        AgentCommand<?, ?> command = commands.get(method);
        if (command == null) {
            return error(id, -32601, "This agent has no method " + method);
        }
        if (!params.has("epoch") || !epochs.accept(params.get("epoch").asLong())) {
            return error(id, AgentMethods.ERROR_STALE_EPOCH, "The command's epoch " + params.path("epoch").asText("(none)")
                    + " is lower than " + epochs.highest() + ", the newest leader's; refused");
        }
        try {
            long started = System.nanoTime();
            Object result = execute(command, params);
            log.debug("{} done in {} ms", method, (System.nanoTime() - started) / 1_000_000);
            ObjectNode response = MAPPER.createObjectNode().put("jsonrpc", "2.0");
            response.set("id", id);
            response.set("result", MAPPER.valueToTree(result == null ? Map.of() : result));
            response.put("seq", sequence.getAsLong());
            return response;
        } catch (HypervisorException e) {
            log.warn("{} failed: {}", method, e.getMessage());
            return error(id, e.isNoSuchVm() ? AgentMethods.ERROR_NO_SUCH_VM : AgentMethods.ERROR_HOST_FAILURE, e.getMessage());
        } catch (IllegalArgumentException e) {
            return error(id, -32602, "Invalid parameters for " + method + ": " + e.getMessage());
        } catch (Exception e) {
            log.warn("{} failed", method, e);
            return error(id, AgentMethods.ERROR_HOST_FAILURE, method + " failed on the host: " + e.getMessage());
        }
    }

    /** Reads the params as the command's record (the epoch among them is the guard's, not the command's) and runs it. */
    private static <P, R> R execute(AgentCommand<P, R> command, JsonNode params) throws Exception {
        P typed;
        try {
            typed = MAPPER.treeToValue(params, command.method().paramsType());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(unreadable(e), e);
        }
        return command.execute(typed);
    }

    /** Names the parameter that could not be read, e.g. policy.maxDowntimeMs, for the engine's log and its user. */
    static String unreadable(JsonProcessingException e) {
        StringBuilder where = new StringBuilder();
        if (e instanceof JsonMappingException mapping) {
            for (JsonMappingException.Reference reference : mapping.getPath()) {
                if (reference.getFieldName() != null) {
                    where.append(where.isEmpty() ? "" : ".").append(reference.getFieldName());
                } else {
                    where.append('[').append(reference.getIndex()).append(']');
                }
            }
        }
        return where.isEmpty() ? e.getOriginalMessage() : "the parameter " + where + " is not valid: " + e.getOriginalMessage();
    }

    private static ObjectNode error(JsonNode id, int code, String message) {
        ObjectNode response = MAPPER.createObjectNode().put("jsonrpc", "2.0");
        response.set("id", id);
        response.putObject("error").put("code", code).put("message", message);
        return response;
    }
}
