package dev.agentstore.store;

import dev.agentstore.bus.Failures;
import dev.agentstore.store.WriteOutcome.Failed;
import java.util.logging.Logger;

/**
 * The writer's checks of its database's files ({@link DatabaseFile}), before and after each transaction
 * and when idle. After COMMIT, exactly: a {@code -wal} deleted while the transaction ran (or since the
 * check before it) holds that commit, which is acknowledged only once it is saved into the main file.
 * Before, as last found (the check after the previous transaction, at most 100 ms old): a file known to
 * be gone is not written into; this saves three stats a transaction, and the check after COMMIT is the
 * one that guards the acknowledgements. Whenever a {@code -wal} or {@code -shm} is found gone, what the WAL holds is checkpointed
 * into the main file at once (through the anchor, which still has the old WAL open), so that a kill -9
 * after that loses nothing that was acknowledged. Only the writer thread uses it.
 */
final class WriterFiles {
    private static final Logger LOG = Logger.getLogger(WriterFiles.class.getName());

    private final String name;
    private final DatabaseFile file;
    /** Nothing was committed since the WAL was saved into the main file. */
    private boolean saved;

    private String reported;

    WriterFiles(String name, DatabaseFile file) {
        this.name = name;
        this.file = file;
    }

    /** Null when a transaction may run; else why not, after saving the WAL if the -wal or -shm is gone. */
    String beforeTransaction() {
        String problem = file.recentProblem();
        if (problem == null) {
            reported = null;
        } else {
            save(problem);
        }
        return problem;
    }

    /** Checks the files again after a transaction: an acknowledgement must not rest on a deleted WAL. */
    void afterTransaction(WriteOutcome[] outcomes) {
        saved = false;
        String problem = file.problem();
        if (problem != null && !save(problem)) {
            Failed lost = new Failed(
                    Failures.UNAVAILABLE,
                    "the write was committed into a file that was deleted or replaced meanwhile and may be lost: "
                            + problem);
            for (int i = 0; i < outcomes.length; i++) {
                outcomes[i] = outcomes[i].ok() ? lost : outcomes[i];
            }
        }
    }

    /** True when nothing is left only in the WAL; tried again on each call until it succeeds. */
    private boolean save(String problem) {
        if (file.mainFileProblem() != null) {
            return false; // the WAL belongs to a file that is gone: nothing to save it into
        }
        if (!saved) {
            saved = file.save();
            if (saved || !problem.equals(reported)) {
                LOG.warning("database " + name + ": " + problem
                        + (saved
                                ? "; what its WAL held is saved in the database file"
                                : "; its WAL could not be saved into the database file"));
            }
            reported = problem;
        }
        return saved;
    }
}
