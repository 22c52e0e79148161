package io.vireo.engine.store;

import io.vireo.engine.common.DomainException;
import io.vireo.engine.common.InvalidInputException;
import io.vireo.model.ErrorCode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The {@code search} query parameter ({@code name=web* and status=up or memory>1024}) parsed into
 * a SQL condition whose values are bound parameters, never spliced into the SQL text. Field names
 * are checked against a list of known fields, each mapped to a column.
 */
public final class SearchQuery {
    public enum Type { TEXT, ENUM, NUMBER }

    public record Field(String column, Type type) {
    }

    private final String where;
    private final Map<String, Object> parameters;

    private SearchQuery(String where, Map<String, Object> parameters) {
        this.where = where;
        this.parameters = parameters;
    }

    public String where() {
        return where;
    }

    public Map<String, Object> parameters() {
        return parameters;
    }

    /** The query as a predicate, to combine with another (e.g. what the caller may see). */
    public io.vireo.engine.store.SqlPredicate predicate() {
        return new io.vireo.engine.store.SqlPredicate(where, parameters);
    }

    public static SearchQuery parse(String search, Map<String, Field> fields) {
        requireNonNull(fields, "fields");
        if (search == null || search.isBlank()) {
            return new SearchQuery("TRUE", Map.of());
        }
        List<String> tokens = tokenize(search);
        Map<String, Object> parameters = new LinkedHashMap<>();
        StringBuilder where = new StringBuilder("(");
        boolean expectClause = true;
        for (String token : tokens) {
            String lower = token.toLowerCase(Locale.ROOT);
            if (!expectClause && (lower.equals("and") || lower.equals("or"))) {
                where.append(lower.equals("and") ? " AND " : ") OR (");
                expectClause = true;
            } else if (expectClause) {
                where.append(clause(token, fields, parameters));
                expectClause = false;
            } else {
                throw invalid("expected 'and' or 'or' before '" + abbreviate(token) + "'");
            }
        }
        if (expectClause) {
            throw invalid("the search ends where a condition is expected");
        }
        return new SearchQuery(where.append(")").toString(), parameters);
    }

    private static String clause(String token, Map<String, Field> fields, Map<String, Object> parameters) {
        int at = operatorIndex(token);
        if (at <= 0) {
            throw invalid("'" + abbreviate(token) + "' is not a condition like name=value");
        }
        String name = token.substring(0, at).toLowerCase(Locale.ROOT);
        String operator = token.startsWith("!=", at) || token.startsWith(">=", at) || token.startsWith("<=", at)
                ? token.substring(at, at + 2) : token.substring(at, at + 1);
        if (operator.equals("!")) {
            // '!' alone is no operator: it would reach the SQL as one ("memory ! :p0")
            throw invalid("'" + abbreviate(token) + "' has no operator: use =, !=, <, <=, > or >=");
        }
        String value = unquote(token.substring(at + operator.length()));
        Field field = fields.get(name);
        if (field == null) {
            throw invalid("unknown field '" + abbreviate(name) + "'; known fields: " + String.join(", ", fields.keySet()));
        }
        String parameter = "p" + parameters.size();
        return switch (field.type()) {
            case TEXT -> textClause(field, operator, value, parameter, parameters);
            case ENUM -> {
                requireEquality(name, operator);
                parameters.put(parameter, value.toUpperCase(Locale.ROOT));
                yield field.column() + (operator.equals("=") ? " = :" : " <> :") + parameter;
            }
            case NUMBER -> {
                try {
                    parameters.put(parameter, Long.parseLong(value));
                } catch (NumberFormatException e) {
                    throw invalid("the field '" + name + "' takes a number, not '" + abbreviate(value) + "'");
                }
                yield field.column() + " " + (operator.equals("!=") ? "<>" : operator) + " :" + parameter;
            }
        };
    }

    private static String textClause(Field field, String operator, String value, String parameter,
                                     Map<String, Object> parameters) {
        requireEquality(field.column(), operator);
        if (value.contains("*")) {
            String pattern = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").replace('*', '%');
            parameters.put(parameter, pattern);
            return field.column() + (operator.equals("=") ? " ILIKE :" : " NOT ILIKE :") + parameter;
        }
        parameters.put(parameter, value);
        return "lower(" + field.column() + ")" + (operator.equals("=") ? " = " : " <> ") + "lower(:" + parameter + ")";
    }

    private static void requireEquality(String name, String operator) {
        if (!operator.equals("=") && !operator.equals("!=")) {
            throw invalid("the field '" + name + "' can only be compared with = or !=");
        }
    }

    private static int operatorIndex(String token) {
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == '=' || c == '!' || c == '<' || c == '>') {
                return i;
            }
        }
        return -1;
    }

    private static List<String> tokenize(String search) {
        List<String> tokens = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (char c : search.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
                current.append(c);
            } else if (Character.isWhitespace(c) && !quoted) {
                if (!current.isEmpty()) {
                    tokens.add(current.toString());
                    current.setLength(0);
                }
            } else {
                current.append(c);
            }
        }
        if (quoted) {
            throw invalid("a quote is not closed");
        }
        if (!current.isEmpty()) {
            tokens.add(current.toString());
        }
        return tokens;
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            return value.substring(1, value.length() - 1);
        }
        if (value.isEmpty()) {
            throw invalid("a condition has no value");
        }
        return value;
    }

    private static String abbreviate(String value) {
        return value.length() <= 80 ? value : value.substring(0, 77) + "...";
    }

    private static DomainException invalid(String reason) {
        return new InvalidInputException(ErrorCode.INVALID_SEARCH, "The search is not valid: " + reason);
    }
}
