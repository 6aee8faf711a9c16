package io.payroute.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.io.ClassPathResource;

/**
 * The embedded database the service runs on by default (application.yaml's H2 file URL) keeps every committed
 * transaction when the process dies at once. H2 otherwise writes commits to its file up to a second late, so a
 * kill -9 in that second forgot charges whose money a provider had taken, and a retry charged them again.
 */
class EmbeddedDatabaseDurabilityTest {

    private static final int ROWS = 200;

    @Test
    void commitsSurviveTheProcessDyingRightAfterThem(@TempDir Path dir) throws Exception {
        String url = shippedUrl().replace("./data/payroute", dir.resolve("payroute").toString());

        Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CommitThenDie.class.getName(), url)
                .redirectErrorStream(true).start();
        assertThat(writer.waitFor(60, TimeUnit.SECONDS)).as("the writer ends").isTrue();
        String said = new String(writer.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(said).as(said).contains("committed " + ROWS);

        try (Connection c = DriverManager.getConnection(url, "sa", "")) {
            assertThat(count(c, "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'committed_rows'"))
                    .as("the table created before the process died").isOne();
            assertThat(count(c, "SELECT COUNT(*) FROM committed_rows")).as("rows committed before the process died").isEqualTo(ROWS);
        }
    }

    private static int count(Connection c, String sql) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String shippedUrl() throws IOException {
        return new YamlPropertySourceLoader().load("application.yaml", new ClassPathResource("application.yaml")).get(0)
                .getProperty("spring.datasource.url").toString();
    }

    /** Commits rows one transaction each, says so, and dies at once: no shutdown hook, no close, as under kill -9. */
    public static final class CommitThenDie {
        public static void main(String[] args) throws SQLException {
            Connection c = DriverManager.getConnection(args[0], "sa", "");
            c.createStatement().execute("CREATE TABLE committed_rows (id INT PRIMARY KEY)");
            PreparedStatement insert = c.prepareStatement("INSERT INTO committed_rows VALUES (?)");
            for (int i = 1; i <= ROWS; i++) {
                insert.setInt(1, i);
                insert.executeUpdate();
            }
            System.out.println("committed " + ROWS);
            System.out.flush();
            Runtime.getRuntime().halt(0);
        }
    }
}
