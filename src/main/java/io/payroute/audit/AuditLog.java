package io.payroute.audit;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.payroute.api.LogContext;
import io.payroute.secrets.Digests;
import org.slf4j.MDC;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The audit log (bean {@code auditLog}): {@link #record} appends what happened, by whom and from where, in the
 * caller's transaction; {@link #chain} (routes/admin.yaml timer, any instance, one at a time) links new rows into
 * the SHA-256 hash chain; {@link #verify} walks the chain and names the first row that no longer matches.
 * Who and from where come from the logging context ({@link LogContext#ACTOR}, {@link LogContext#SOURCE}):
 * an API key id, {@code admin}, a broker user, or {@code system} for what PayRoute does on its own.
 */
@Component("auditLog")
public class AuditLog {

    private record Row(long seq, Instant at, String actor, String source, String action, String objectType,
                       String objectId, String details, Long chainPos, String prevHash, String hash) {
    }

    private static final String COLUMNS = "seq, at, actor, source, action, object_type, object_id, details, chain_pos, prev_hash, hash";
    private static final RowMapper<Row> ROW = (rs, i) -> new Row(rs.getLong("seq"), rs.getTimestamp("at").toInstant(),
            rs.getString("actor"), rs.getString("source"), rs.getString("action"), rs.getString("object_type"),
            rs.getString("object_id"), rs.getString("details"), (Long) rs.getObject("chain_pos", Long.class),
            rs.getString("prev_hash"), rs.getString("hash"));

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final Clock clock;

    public AuditLog(JdbcTemplate jdbc, TransactionTemplate tx, Clock clock) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.clock = clock;
    }

    public void record(String action, String objectType, String objectId, String details) {
        String actor = MDC.get(LogContext.ACTOR);
        jdbc.update("""
                INSERT INTO audit_log (at, actor, source, action, object_type, object_id, details)
                VALUES (?, ?, ?, ?, ?, ?, ?)""",
                Timestamp.from(clock.instant()), actor == null ? "system" : actor, MDC.get(LogContext.SOURCE), action,
                objectType, objectId, details == null || details.length() <= 4000 ? details : details.substring(0, 4000));
    }

    /** Links up to {@code batch} unchained rows; returns how many. */
    public int chain(int batch) {
        Integer linked = tx.execute(status -> {
            Map<String, Object> head = jdbc.queryForMap("SELECT head_pos, head_hash FROM audit_chain WHERE id = 1 FOR UPDATE");
            long pos = ((Number) head.get("head_pos")).longValue();
            String hash = (String) head.get("head_hash");
            List<Row> rows = jdbc.query("SELECT " + COLUMNS + " FROM audit_log WHERE chain_pos IS NULL ORDER BY seq LIMIT ?",
                    ROW, batch);
            for (Row row : rows) {
                pos++;
                String next = hash(hash, row);
                jdbc.update("UPDATE audit_log SET chain_pos = ?, prev_hash = ?, hash = ? WHERE seq = ?", pos, hash, next, row.seq());
                hash = next;
            }
            if (!rows.isEmpty()) {
                jdbc.update("UPDATE audit_chain SET head_pos = ?, head_hash = ? WHERE id = 1", pos, hash);
            }
            return rows.size();
        });
        return linked == null ? 0 : linked;
    }

    /** The chain checked from its start: how many rows verify, and the first that does not (if any). */
    public Map<String, Object> verify() {
        Map<String, Object> out = new LinkedHashMap<>();
        // the head first, and the rows up to it: rows the chainer links meanwhile lie beyond it, and reading the head
        // last would take them for rows deleted at the end
        Map<String, Object> head = jdbc.queryForMap("SELECT head_pos, head_hash FROM audit_chain WHERE id = 1");
        long headPos = ((Number) head.get("head_pos")).longValue();
        String expectedPrev = "0".repeat(64);
        long checked = 0;
        long after = 0;
        while (true) {
            List<Row> rows = jdbc.query("SELECT " + COLUMNS + " FROM audit_log WHERE chain_pos > ? AND chain_pos <= ?"
                    + " ORDER BY chain_pos LIMIT 1000", ROW, after, headPos);
            if (rows.isEmpty()) {
                break;
            }
            for (Row row : rows) {
                long pos = row.chainPos();
                String problem = pos != after + 1 ? "row at chain position " + (after + 1) + " is missing"
                        : !expectedPrev.equals(row.prevHash()) ? "previous hash does not match"
                        : !hash(expectedPrev, row).equals(row.hash()) ? "content does not match its hash" : null;
                if (problem != null) {
                    out.put("valid", false);
                    out.put("checked", checked);
                    out.put("first_broken_position", after + 1);
                    out.put("first_broken_seq", row.seq());
                    out.put("problem", problem);
                    return out;
                }
                expectedPrev = row.hash();
                after = pos;
                checked++;
            }
        }
        boolean headMatches = headPos == after && expectedPrev.equals(head.get("head_hash"));
        out.put("valid", headMatches);
        out.put("checked", checked);
        if (!headMatches) {
            out.put("problem", "the chain ends before its recorded head (rows at the end were deleted)");
        }
        out.put("unchained", jdbc.queryForObject("SELECT COUNT(*) FROM audit_log WHERE chain_pos IS NULL", Long.class));
        return out;
    }

    /** Newest first, optionally about one object or by one actor. */
    public List<Map<String, Object>> list(String objectId, String actor, int limit) {
        StringBuilder sql = new StringBuilder("""
                SELECT seq, at, actor, source, action, object_type, object_id, details, chain_pos, hash FROM audit_log WHERE 1 = 1""");
        List<Object> args = new ArrayList<>();
        if (objectId != null) {
            sql.append(" AND object_id = ?");
            args.add(objectId);
        }
        if (actor != null) {
            sql.append(" AND actor = ?");
            args.add(actor);
        }
        sql.append(" ORDER BY seq DESC LIMIT ?");
        args.add(limit);
        return jdbc.query(sql.toString(), (rs, i) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("seq", rs.getLong("seq"));
            m.put("at", rs.getTimestamp("at").toInstant().toString());
            for (String column : List.of("actor", "source", "action", "object_type", "object_id", "details", "hash")) {
                m.put(column, rs.getString(column));
            }
            m.put("chained", rs.getObject("chain_pos") != null);
            return m;
        }, args.toArray());
    }

    private static String hash(String previous, Row row) {
        StringBuilder content = new StringBuilder(previous);
        content.append('\n').append(row.seq()).append('\n').append(row.at());
        for (String v : new String[] {row.actor(), row.source(), row.action(), row.objectType(), row.objectId(), row.details()}) {
            // length-prefixed, so no two different rows concatenate to the same text
            content.append('\n').append(v == null ? -1 : v.length()).append(':').append(v == null ? "" : v);
        }
        return Digests.sha256Hex(content.toString());
    }
}
