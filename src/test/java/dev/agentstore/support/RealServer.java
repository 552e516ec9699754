package dev.agentstore.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real server ({@link TestServer}) for a test class or a test method, run by {@link
 * AgentStoreExtension}: the store and HTTP verticles on a SQLite file in a temp directory of its own, on a
 * free port. It is stopped, and its directory deleted, after the class or the method, whether the tests
 * passed or not; a server that does not stop fails the class or the test.
 *
 * <ul>
 *   <li>On a class, one server for all its tests and its {@code @Nested} classes, started before the
 *       class's {@code @BeforeAll} methods and stopped after its {@code @AfterAll} methods; with {@link
 *       Lifecycle#PER_METHOD}, a fresh one for each test.
 *   <li>On a test method, a server of that test's own, with the method's {@link #config} over the class's.
 * </ul>
 *
 * The server is injected into parameters of type {@link TestServer} (a test's own server first, then
 * its class's) and into fields of that type: static fields get the class's server, instance fields the
 * class's or, with {@code PER_METHOD} or a server on a method of a class without one, the test's.
 * Methods annotated {@link BeforeServerStart} prepare the directory of the class's server.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(AgentStoreExtension.class)
public @interface RealServer {
    /**
     * Config keys in YAML (flow style reads best: {@code "limits: {max_batch_items: 20}"}) merged over the
     * defaults (port 0, {@code database.workflow.path: workflow.db}). A relative {@code
     * database.<name>.path} is a file in the server's directory.
     */
    String config() default "";

    /** On a class: one server for the class, or one per test. Ignored on a method. */
    Lifecycle lifecycle() default Lifecycle.PER_CLASS;

    enum Lifecycle {
        PER_CLASS,
        PER_METHOD
    }
}
