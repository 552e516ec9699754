package dev.agentstore.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A method of a {@link RealServer} class that {@link AgentStoreExtension} calls with the server's
 * directory ({@code Path}) before it starts the class's server: to build the file the server will open,
 * such as a database another program made. Static, or an instance method in a {@code PER_CLASS} test
 * instance (or for a server per method).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface BeforeServerStart {}
