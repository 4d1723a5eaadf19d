package tagjack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.concurrent.CountDownLatch;

import org.neo4j.cli.ExecutionContext;
import org.neo4j.commandline.admin.security.SetInitialPasswordCommand;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.fs.DefaultFileSystemAbstraction;
import org.neo4j.server.CommunityBootstrapper;
import picocli.CommandLine;

/**
 * Starts Neo4j Community 5.26 (the real server bootstrap: Bolt, HTTP with the Browser, auth)
 * with Graph Data Science, for tagjack's tests, CI and {@code make neo4j}.
 *
 * <pre>
 * java -cp "target/classes:$(cat target/classpath.txt)" tagjack.Neo4jLauncher HOME CONF_DIR PLUGINS_DIR
 * </pre>
 *
 * HOME holds data/, logs/ and run/ and survives restarts. CONF_DIR holds neo4j.conf. PLUGINS_DIR
 * holds the GDS jars (also on the class path, as in a Neo4j distribution). Environment:
 * NEO4J_PASSWORD (default tagjack-local), NEO4J_BOLT_PORT (7687), NEO4J_HTTP_PORT (7474).
 * The password is never put on a command line or printed.
 *
 * <p>Stops cleanly on SIGTERM/SIGINT: the bootstrapper's signal handler exits the JVM, which
 * runs its shutdown hook (database shutdown, store flushed and closed).
 *
 * <p>Right after a bulk import ({@code neo4j.sh import}), TAGJACK_NEO4J_SCHEMA names tagjack's
 * cypher/schema.cypher: its constraints and indexes are created before the server is announced
 * ready, and populated (the launcher waits until every index is online; one line
 * {@code tagjack-neo4j: schema online in S s}). Here, in the server's own process: no client
 * to start, no round trips.
 *
 * <p>When the server is ready (password set, GDS answering) the launcher writes
 * HOME/run/tagjack.ready and prints one line starting with {@code tagjack-neo4j: ready}.
 * On any start-up failure it prints one line starting with {@code tagjack-neo4j: FAILED}
 * and exits non-zero.
 */
public final class Neo4jLauncher {
    private static final String USER = "neo4j";
    private static final String DEFAULT_PASSWORD = "tagjack-local";
    // A statement ends at a ';' that closes a line, as tagjack.cypher.statements splits them.
    private static final Pattern STATEMENT_END =
            Pattern.compile(";[ \\t]*(?://[^\\n]*)?$", Pattern.MULTILINE);
    private static final Pattern COMMENT = Pattern.compile("//[^\\n]*");

    private Neo4jLauncher() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            fail(64, "usage: Neo4jLauncher HOME CONF_DIR PLUGINS_DIR");
        }
        Path home = Path.of(args[0]).toAbsolutePath().normalize();
        Path confDir = Path.of(args[1]).toAbsolutePath().normalize();
        Path plugins = Path.of(args[2]).toAbsolutePath().normalize();
        String password = env("NEO4J_PASSWORD", DEFAULT_PASSWORD);
        int boltPort = port("NEO4J_BOLT_PORT", 7687);
        int httpPort = port("NEO4J_HTTP_PORT", 7474);

        Path ready = home.resolve("run").resolve("tagjack.ready");
        Files.createDirectories(ready.getParent());
        Files.deleteIfExists(ready);

        // 1. First start only: store the initial password before the system database exists,
        //    so Bolt never accepts the default neo4j/neo4j credentials.
        if (!Files.exists(home.resolve("data").resolve("databases").resolve("system"))) {
            setInitialPassword(home, confDir, password);
        }

        // 2. The real server bootstrap (what `neo4j console` runs), with this project's settings.
        Map<String, String> settings = new HashMap<>();
        settings.put("server.directories.plugins", plugins.toString());
        settings.put("server.bolt.listen_address", "127.0.0.1:" + boltPort);
        settings.put("server.bolt.advertised_address", "127.0.0.1:" + boltPort);
        settings.put("server.http.listen_address", "127.0.0.1:" + httpPort);
        settings.put("server.http.advertised_address", "127.0.0.1:" + httpPort);
        long t0 = System.nanoTime();
        CommunityBootstrapper bootstrapper = new CommunityBootstrapper();
        int status = bootstrapper.start(home, confDir.resolve("neo4j.conf"), settings, false, false);
        if (status != 0 || !bootstrapper.isRunning()) {
            fail(status == 0 ? 1 : status, "Neo4j did not start (bootstrap status " + status
                    + "); see " + home.resolve("logs").resolve("neo4j.log") + " and debug.log");
        }
        DatabaseManagementService dbms = bootstrapper.getDatabaseManagementService();
        long t1 = System.nanoTime();

        // 3. Every start: make the password match NEO4J_PASSWORD (it may have changed since the
        //    store was created) and clear any change-required flag.
        try {
            syncPassword(dbms.database("system"), password);
        } catch (RuntimeException e) {
            failAfterStart(bootstrapper, "could not set the password of user neo4j: " + oneLine(e));
        }

        long t2 = System.nanoTime();

        // 4. GDS must be there: tagjack's --engine gds and the graphdatascience client need it.
        String neo4jVersion;
        String gdsVersion;
        try {
            GraphDatabaseService db = dbms.database("neo4j");
            neo4jVersion = (String) db.executeTransactionally(
                    "CALL dbms.components() YIELD versions RETURN versions[0] AS v", Map.of(),
                    r -> r.next().get("v"));
            gdsVersion = (String) db.executeTransactionally(
                    "RETURN gds.version() AS v", Map.of(), r -> r.next().get("v"));
        } catch (RuntimeException e) {
            failAfterStart(bootstrapper, "Graph Data Science is not available: " + oneLine(e));
            return;
        }

        long t3 = System.nanoTime();

        // 5. After a bulk import only: tagjack's constraints and indexes, populated.
        String schema = System.getenv("TAGJACK_NEO4J_SCHEMA");
        if (schema != null && !schema.isEmpty()) {
            try {
                applySchema(dbms.database("neo4j"), Path.of(schema));
            } catch (IOException | RuntimeException e) {
                failAfterStart(bootstrapper, "could not create tagjack's schema from " + schema
                        + ": " + oneLine(e));
            }
            System.out.println(String.format("tagjack-neo4j: schema online in %.2f s",
                    (System.nanoTime() - t3) / 1e9));
        }

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.deleteIfExists(ready);
            } catch (IOException ignored) {
                // best effort
            }
        }, "tagjack-ready-marker"));
        String bolt = "bolt://127.0.0.1:" + boltPort;
        String browser = "http://127.0.0.1:" + httpPort + "/browser/";
        Files.writeString(ready, bolt + "\n" + browser + "\n", StandardCharsets.UTF_8);
        System.out.println("tagjack-neo4j: ready " + bolt + " " + browser + " (Neo4j " + neo4jVersion
                + " Community, GDS " + gdsVersion + ", pid " + ProcessHandle.current().pid()
                + String.format("; started in %.1f s, password %.1f s, checks %.1f s)",
                        (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9));
        System.out.flush();

        // Keep the main thread parked; SIGTERM exits the JVM through the shutdown hooks.
        new CountDownLatch(1).await();
    }

    /**
     * Every statement of {@code file}, one transaction each, then wait until all indexes are
     * online. Plain indexes go first: they populate in the background while each constraint's
     * index is populated (a constraint is only created once its index holds every node).
     */
    private static void applySchema(GraphDatabaseService db, Path file) throws IOException {
        List<String> indexes = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (String part : STATEMENT_END.split(Files.readString(file, StandardCharsets.UTF_8))) {
            String code = COMMENT.matcher(part).replaceAll("").strip();
            if (!code.isEmpty()) {
                (code.startsWith("CREATE INDEX") ? indexes : others).add(part.strip());
            }
        }
        indexes.addAll(others);
        for (String statement : indexes) {
            db.executeTransactionally(statement);
        }
        db.executeTransactionally("CALL db.awaitIndexes($seconds)", Map.of("seconds", 600L));
    }

    private static void setInitialPassword(Path home, Path confDir, String password) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        ExecutionContext ctx = new ExecutionContext(home, confDir, out, out, new DefaultFileSystemAbstraction());
        CommandLine command = new CommandLine(new SetInitialPasswordCommand(ctx));
        command.setExecutionExceptionHandler((e, cl, parsed) -> {
            out.println(oneLine(e));
            return 1;
        });
        int rc = command.execute(password);
        if (rc != 0) {
            fail(3, "could not set the initial password: "
                    + buffer.toString(StandardCharsets.UTF_8).strip().replace('\n', ' '));
        }
    }

    private static void syncPassword(GraphDatabaseService system, String password) {
        try {
            system.executeTransactionally(
                    "ALTER USER " + USER + " SET PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
            System.out.println("tagjack-neo4j: password of user neo4j set from NEO4J_PASSWORD");
        } catch (RuntimeException e) {
            if (!String.valueOf(rootMessage(e)).contains("Old password and new password cannot be the same")) {
                throw e;
            }
            // Already right. The flag may still be set if an earlier start was interrupted.
            system.executeTransactionally("ALTER USER " + USER + " SET PASSWORD CHANGE NOT REQUIRED");
        }
    }

    private static void failAfterStart(CommunityBootstrapper bootstrapper, String reason) {
        System.out.println("tagjack-neo4j: FAILED " + reason);
        System.out.flush();
        bootstrapper.stop();
        System.exit(3);
    }

    private static void fail(int code, String reason) {
        System.out.println("tagjack-neo4j: FAILED " + reason);
        System.out.flush();
        System.exit(code);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }

    private static int port(String name, int fallback) {
        String value = env(name, String.valueOf(fallback));
        try {
            int port = Integer.parseInt(value.trim());
            if (port > 0 && port < 65536) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        fail(64, name + " is not a port number: " + value);
        return fallback;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    private static String oneLine(Throwable e) {
        return rootMessage(e).strip().replaceAll("\\s+", " ");
    }
}
