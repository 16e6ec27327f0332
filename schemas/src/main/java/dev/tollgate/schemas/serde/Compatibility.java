package dev.tollgate.schemas.serde;

import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/** Avro reader/writer compatibility checks with messages that name fields rather than JSON pointers. */
final class Compatibility {

    private Compatibility() {}

    /** Checks that {@code reader} can read what {@code writer} wrote; returns null if it can, else why not. */
    static String problems(Schema reader, Schema writer) {
        SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() == SchemaCompatibilityType.COMPATIBLE) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (Incompatibility incompatibility : result.getResult().getIncompatibilities()) {
            if (sb.length() > 0) {
                sb.append("; ");
            }
            sb.append(incompatibility.getType())
                    .append(" at ")
                    .append(fieldPath(reader, incompatibility.getLocation()));
            String message = incompatibility.getMessage();
            if (message != null && !message.isEmpty()) {
                sb.append(": ").append(message);
            }
        }
        return sb.length() == 0 ? result.getDescription() : sb.toString();
    }

    /**
     * Turns a location such as {@code /fields/4/type} into {@code RequestLog.status}, keeping the raw
     * location in parentheses; returns the raw location if it cannot be followed.
     */
    static String fieldPath(Schema reader, String location) {
        if (location == null || location.isEmpty() || location.equals("/")) {
            return reader.getName();
        }
        try {
            StringBuilder path = new StringBuilder(reader.getName());
            Schema current = reader;
            List<String> tokens = List.of(location.substring(1).split("/"));
            for (int i = 0; i < tokens.size(); i++) {
                String token = tokens.get(i);
                switch (token) {
                    case "fields" -> {
                        Schema.Field field = current.getFields().get(Integer.parseInt(tokens.get(++i)));
                        path.append('.').append(field.name());
                        current = field.schema();
                        if (i + 1 < tokens.size() && tokens.get(i + 1).equals("type")) {
                            i++;
                        }
                    }
                    case "items" -> {
                        current = current.getElementType();
                        path.append("[]");
                    }
                    case "values" -> {
                        current = current.getValueType();
                        path.append("{}");
                    }
                    case "type" -> {
                        // already at the type
                    }
                    default -> {
                        if (current.getType() == Schema.Type.UNION
                                && token.chars().allMatch(Character::isDigit)) {
                            current = current.getTypes().get(Integer.parseInt(token));
                            path.append("<").append(current.getType().getName()).append('>');
                        } else {
                            path.append(" (").append(token).append(')');
                        }
                    }
                }
            }
            return path + " (" + location + ")";
        } catch (RuntimeException e) {
            return location;
        }
    }
}
