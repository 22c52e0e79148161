package io.vireo.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.PrintStream;

/** Follows a job until it ends, drawing a progress bar of its steps on the terminal. */
final class JobProgress {
    private JobProgress() {
    }

    /** Answers the ended job; a FAILED job is answered too (the caller decides the exit code). */
    static JsonNode follow(ApiClient client, JsonNode job, PrintStream out) throws IOException, InterruptedException {
        String id = job.get("id").asText();
        String last = "";
        while (true) {
            JsonNode current = client.get("/api/jobs/" + id);
            String line = render(current);
            if (!line.equals(last)) {
                out.print("\r" + line);
                out.flush();
                last = line;
            }
            String status = current.get("status").asText();
            if (status.equals("DONE") || status.equals("FAILED")) {
                out.println();
                if (status.equals("FAILED")) {
                    out.println("failed: " + current.path("errorMessage").asText());
                }
                return current;
            }
            Thread.sleep(200);
        }
    }

    static String render(JsonNode job) {
        JsonNode steps = job.get("steps");
        int total = Math.max(1, steps.size());
        double done = 0;
        String current = "";
        for (JsonNode step : steps) {
            switch (step.get("status").asText()) {
                case "DONE" -> done += 1;
                case "RUNNING" -> {
                    done += step.get("progress").asInt() / 100.0;
                    current = step.get("name").asText();
                }
                case "FAILED" -> current = step.get("name").asText() + " FAILED";
                default -> {
                }
            }
        }
        int width = 30;
        int filled = (int) Math.round(width * done / total);
        String bar = "#".repeat(filled) + "-".repeat(width - filled);
        return String.format("%-40.40s [%s] %3d%% %-16s", job.get("description").asText(), bar,
                Math.round(100 * done / total), job.get("status").asText().equals("DONE") ? "done" : current);
    }
}
