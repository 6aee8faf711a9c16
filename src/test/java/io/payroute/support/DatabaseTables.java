package io.payroute.support;

import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The tables of the test database with their columns, read from JDBC metadata, so checks over "every table"
 * (FuzzApiTest's state fingerprint, SecretScanApiTest) include tables added later. Works on H2 and PostgreSQL.
 */
public final class DatabaseTables {

    public record Column(String table, String name, int jdbcType) {

        public boolean isText() {
            return switch (jdbcType) {
                case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.CLOB, Types.NCHAR, Types.NVARCHAR,
                     Types.LONGNVARCHAR, Types.NCLOB -> true;
                default -> false;
            };
        }

        public boolean isTimestamp() {
            return jdbcType == Types.TIMESTAMP || jdbcType == Types.TIMESTAMP_WITH_TIMEZONE;
        }
    }

    private DatabaseTables() {
    }

    /** Columns by table name (lower-case), tables in name order, columns in table order. */
    public static Map<String, List<Column>> of(JdbcTemplate jdbc) {
        return jdbc.execute((ConnectionCallback<Map<String, List<Column>>>) connection -> {
            Map<String, List<Column>> tables = new TreeMap<>();
            DatabaseMetaData meta = connection.getMetaData();
            try (ResultSet rs = meta.getColumns(connection.getCatalog(), connection.getSchema(), "%", "%")) {
                while (rs.next()) {
                    String table = rs.getString("TABLE_NAME").toLowerCase();
                    tables.computeIfAbsent(table, t -> new ArrayList<>())
                            .add(new Column(table, rs.getString("COLUMN_NAME").toLowerCase(), rs.getInt("DATA_TYPE")));
                }
            }
            return tables;
        });
    }
}
