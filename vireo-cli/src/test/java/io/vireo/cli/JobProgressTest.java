package io.vireo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JobProgressTest {
    private static JsonNode job(String status, String... steps) throws Exception {
        StringBuilder json = new StringBuilder("{\"description\":\"Start VM web1\",\"status\":\"" + status + "\",\"steps\":[");
        for (int i = 0; i < steps.length; i++) {
            String[] parts = steps[i].split(":");
            json.append(i == 0 ? "" : ",").append("{\"name\":\"").append(parts[0]).append("\",\"status\":\"").append(parts[1])
                    .append("\",\"progress\":").append(parts[2]).append("}");
        }
        return ApiClient.MAPPER.readTree(json.append("]}").toString());
    }

    @Test
    void drawsDoneAndRunningStepsAsAShareOfTheBar() throws Exception {
        String line = JobProgress.render(job("RUNNING", "SCHEDULE:DONE:100", "LAUNCH:RUNNING:50", "WAIT_UP:PENDING:0"));
        assertThat(line).contains("Start VM web1").contains("[###############---------------]").contains(" 50%").contains("LAUNCH");
    }

    @Test
    void aDoneJobIsAFullBar() throws Exception {
        assertThat(JobProgress.render(job("DONE", "A:DONE:100", "B:DONE:100"))).contains("#".repeat(30)).contains("100%").contains("done");
    }

    @Test
    void namesAFailedStep() throws Exception {
        assertThat(JobProgress.render(job("FAILED", "A:DONE:100", "B:FAILED:0"))).contains("B FAILED");
    }
}
