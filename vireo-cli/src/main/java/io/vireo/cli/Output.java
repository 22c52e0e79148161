package io.vireo.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintStream;
import java.util.List;

/** Prints API answers as aligned columns, or as JSON with --json. */
final class Output {
    private Output() {
    }

    static void table(PrintStream out, JsonNode items, List<String> columns, boolean json) {
        if (json) {
            out.println(items.toPrettyString());
            return;
        }
        int[] widths = new int[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            widths[i] = columns.get(i).length();
            for (JsonNode item : items) {
                widths[i] = Math.max(widths[i], Math.min(60, text(item, columns.get(i)).length()));
            }
        }
        StringBuilder header = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            header.append(String.format("%-" + (widths[i] + 2) + "s", columns.get(i)));
        }
        out.println(header.toString().stripTrailing());
        for (JsonNode item : items) {
            StringBuilder row = new StringBuilder();
            for (int i = 0; i < columns.size(); i++) {
                String value = text(item, columns.get(i));
                boolean last = i == columns.size() - 1;
                // the last column (a message, a description) is never cut: it is the sentence people read
                row.append(last ? value : String.format("%-" + (widths[i] + 2) + "s", value.length() > 60 ? value.substring(0, 60) : value));
            }
            out.println(row.toString().stripTrailing());
        }
    }

    /** One item as a line of its columns, tab-separated: for output that grows line by line (events --follow). */
    static String row(JsonNode item, List<String> columns) {
        return columns.stream().map(column -> text(item, column)).reduce((a, b) -> a + "\t" + b).orElse("");
    }

    static void item(PrintStream out, JsonNode item) {
        out.println(item.toPrettyString());
    }

    private static String text(JsonNode item, String field) {
        JsonNode value = item.get(field);
        return value == null || value.isNull() ? "" : value.isValueNode() ? value.asText() : value.toString();
    }
}
