package tagjack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.neo4j.cli.AdminTool;
import org.neo4j.cli.ExecutionContext;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.fs.DefaultFileSystemAbstraction;

/**
 * Builds the local database {@code neo4j} from the files {@code tagjack export --format neo4j-admin}
 * wrote, with Neo4j's own bulk importer ({@code neo4j-admin database import full}), for
 * {@code make neo4j IMPORT=DIR}. The server must be stopped (neo4j.sh sees to it).
 *
 * <pre>
 * cd IMPORT_DIR &amp;&amp; java -cp ... tagjack.Neo4jImport HOME CONF_DIR keep|replace
 * </pre>
 *
 * The folder's {@code import.args} names the files relative to it, hence the {@code cd}.
 * With {@code keep}, a database that already holds nodes is refused (exit 2, one line starting
 * with {@code tagjack-neo4j: FAILED}); an empty one, as a first {@code make neo4j} leaves, is
 * replaced. With {@code replace}, whatever the database holds is replaced.
 */
public final class Neo4jImport {
    private static final String DATABASE = "neo4j";

    private Neo4jImport() {}

    public static void main(String[] args) {
        if (args.length != 3 || !List.of("keep", "replace").contains(args[2])) {
            fail(64, "usage: Neo4jImport HOME CONF_DIR keep|replace");
        }
        Path home = Path.of(args[0]).toAbsolutePath().normalize();
        Path confDir = Path.of(args[1]).toAbsolutePath().normalize();
        if (!Files.isRegularFile(Path.of("import.args"))) {
            fail(2, "no import.args in " + Path.of("").toAbsolutePath()
                    + ": write the folder with tagjack export --format neo4j-admin --out DIR");
        }
        Path store = home.resolve("data").resolve("databases").resolve(DATABASE);
        if (args[2].equals("keep") && Files.isDirectory(store)) {
            long nodes = nodes(home, confDir);
            if (nodes > 0) {
                fail(2, "the local Neo4j in " + home + " already holds " + nodes + " nodes;"
                        + " make neo4j IMPORT=DIR REPLACE=1 replaces them");
            }
        }
        List<String> command = new ArrayList<>(List.of("database", "import", "full", "@import.args",
                "--overwrite-destination=true",
                "--report-file=" + home.resolve("logs").resolve("import.report"), DATABASE));
        ExecutionContext ctx = new ExecutionContext(home, confDir, System.out, System.err,
                new DefaultFileSystemAbstraction());
        int status = AdminTool.execute(ctx, command.toArray(String[]::new));
        if (status != 0) {
            fail(status, "neo4j-admin database import full failed (exit " + status + "); see above and "
                    + home.resolve("logs").resolve("import.report"));
        }
        System.out.println("tagjack-neo4j: imported");
        System.exit(0);
    }

    /** Nodes in the local database, read from its counts store by an embedded, offline DBMS. */
    private static long nodes(Path home, Path confDir) {
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .loadPropertiesFromFile(confDir.resolve("neo4j.conf"))
                .setConfig(BoltConnector.enabled, false)
                .setConfig(HttpConnector.enabled, false)
                .build();
        try {
            return (Long) dbms.database(DATABASE).executeTransactionally(
                    "MATCH (n) RETURN count(n) AS n", Map.of(), r -> r.next().get("n"));
        } finally {
            dbms.shutdown();
        }
    }

    private static void fail(int code, String reason) {
        System.out.println("tagjack-neo4j: FAILED " + reason);
        System.out.flush();
        System.exit(code);
    }
}
