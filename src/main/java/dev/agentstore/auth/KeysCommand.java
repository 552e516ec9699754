package dev.agentstore.auth;

import java.io.PrintStream;
import java.util.Set;

/**
 * {@code keys new --name NAME --scopes read,write [--rps N] [--burst M]}: makes a key and prints it once, on a
 * line {@code key: ...}, and the line for the keys file, on a line {@code entry: ...}. The key is not kept
 * anywhere: whoever runs the command hands it to the client. Exit codes: 0 done, 2 bad usage.
 */
public final class KeysCommand {
    public static final String USAGE =
            "java -jar agent-store.jar keys new --name NAME --scopes read,write,admin [--rps N] [--burst M]";

    private KeysCommand() {}

    public static int run(String[] args, PrintStream out, PrintStream err) {
        String name = null;
        String scopes = null;
        String rps = null;
        String burst = null;
        try {
            if (args.length == 0 || !args[0].equals("new")) {
                throw new IllegalArgumentException(
                        args.length == 0 ? "missing command" : "unknown command '" + args[0] + "'");
            }
            for (int i = 1; i < args.length; i++) {
                String flag = args[i];
                switch (flag) {
                    case "--name" -> name = once(name, flag, value(args, ++i, flag, "a name"));
                    case "--scopes" -> scopes = once(scopes, flag, value(args, ++i, flag, "a list of scopes"));
                    case "--rps" -> rps = once(rps, flag, value(args, ++i, flag, "a number of requests a second"));
                    case "--burst" -> burst = once(burst, flag, value(args, ++i, flag, "a number of requests"));
                    default -> throw new IllegalArgumentException("unknown argument '" + flag + "'");
                }
            }
            if (name == null || scopes == null) {
                throw new IllegalArgumentException("keys new needs --name and --scopes");
            }
            String key = Keys.generate();
            String entry;
            try {
                Set<Scope> parsed = KeysFile.scopes(scopes);
                entry = KeysFile.entry(
                        KeysFile.name(name), parsed, Keys.hex(Keys.sha256(key)), KeysFile.limit(rps, burst));
            } catch (KeysFile.BadLine e) {
                throw new IllegalArgumentException(e.getMessage()
                        .replace("the name (field 1)", "--name")
                        .replace("the scopes (field 2)", "--scopes")
                        .replace("burst= needs rps=", "--burst needs --rps")
                        .replace("rps=", "--rps")
                        .replace("burst=", "--burst"));
            }
            out.println("key: " + key);
            out.println("entry: " + entry);
            err.println("The key is shown once and kept nowhere: give it to the client now (Authorization: Bearer"
                    + " <key>). Add the entry line to the keys file (auth.keys_file); a running server takes it"
                    + " within seconds.");
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("agent-store keys: " + e.getMessage() + "\nusage: " + USAGE + "\n       scopes: "
                    + KeysFile.allScopes() + "; --rps: requests a second (none: no limit), --burst: at once"
                    + " (default: --rps rounded up)");
            return 2;
        }
    }

    private static String value(String[] args, int i, String flag, String what) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new IllegalArgumentException(flag + " needs " + what);
        }
        return args[i];
    }

    private static String once(String before, String flag, String value) {
        if (before != null) {
            throw new IllegalArgumentException(flag + " is given twice");
        }
        return value;
    }
}
