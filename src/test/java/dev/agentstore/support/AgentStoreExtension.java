package dev.agentstore.support;

import dev.agentstore.support.RealServer.Lifecycle;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Runs the {@link RealServer} of a class or a method: makes its temp directory, calls the {@link
 * BeforeServerStart} methods, starts the server, injects it, and after the class or the method stops it
 * and deletes the directory, whatever the tests did. Each server is kept in the store of the context
 * that started it, under that context's id, so a @Nested class never stops its outer class's server.
 */
public final class AgentStoreExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {
    private static final Namespace NAMESPACE = Namespace.create(AgentStoreExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Class<?> testClass = context.getRequiredTestClass();
        RealServer own = testClass.getAnnotation(RealServer.class);
        if (own == null || own.lifecycle() == Lifecycle.PER_METHOD) {
            return; // a @Nested class uses its outer class's server
        }
        TestServer server = start(context, testClass, config(testClass, null));
        injectFields(testClass, null, server);
        context.getTestInstance().ifPresent(instance -> injectFields(testClass, instance, server));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop(context, context.getRequiredTestClass(), List.of());
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        Method method = context.getRequiredTestMethod();
        Class<?> governing = annotatedClass(context.getRequiredTestClass());
        List<Object> instances = instancesOf(context, governing);
        if (method.isAnnotationPresent(RealServer.class) || perMethod(governing)) {
            TestServer server = start(
                    context, perMethod(governing) ? governing : null, config(context.getRequiredTestClass(), method));
            if (governing == null || perMethod(governing)) {
                instances.forEach(i -> injectFields(i.getClass(), i, server));
                return;
            }
        }
        // a server for the whole class: instance fields of per-method test instances get it too
        nearest(context.getParent().orElseThrow())
                .ifPresent(server -> instances.forEach(i -> injectFields(i.getClass(), i, server)));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Class<?> governing = annotatedClass(context.getRequiredTestClass());
        boolean fieldsHeldIt = governing == null || perMethod(governing);
        stop(context, null, fieldsHeldIt ? instancesOf(context, governing) : List.of());
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return nearest(context)
                .orElseThrow(() -> new ParameterResolutionException("no server for " + parameter.getParameter()
                        + ": annotate the class or the method @RealServer"));
    }

    private static TestServer start(ExtensionContext context, Class<?> hooksOf, JsonObject config) throws Exception {
        String name = context.getRequiredTestClass().getSimpleName();
        Path dir = Files.createTempDirectory("agent-store-" + name + "-");
        try {
            if (hooksOf != null) {
                callBeforeServerStart(context, hooksOf, dir);
            }
            TestServer server = TestServer.start(dir, config);
            context.getStore(NAMESPACE).put(context.getUniqueId(), server);
            return server;
        } catch (Exception | Error e) {
            try {
                delete(dir);
            } catch (RuntimeException | Error cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /**
     * Stops the server {@code context} started (if any), then deletes its directory; fields that held it
     * are cleared, so that a later use fails at once rather than talking to a stopped server.
     */
    private static void stop(ExtensionContext context, Class<?> staticFieldsOf, List<Object> instances) {
        TestServer server = context.getStore(NAMESPACE).remove(context.getUniqueId(), TestServer.class);
        if (server == null) {
            return;
        }
        if (staticFieldsOf != null) {
            injectFields(staticFieldsOf, null, null);
        }
        instances.forEach(i -> injectFields(i.getClass(), i, null));
        try {
            server.close();
        } catch (RuntimeException | Error e) {
            try {
                delete(server.dir());
            } catch (RuntimeException | Error cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        delete(server.dir());
    }

    /** The server of this context or the nearest one above it: a method's own, then its class's. */
    private static Optional<TestServer> nearest(ExtensionContext context) {
        for (Optional<ExtensionContext> c = Optional.of(context);
                c.isPresent();
                c = c.get().getParent()) {
            TestServer server = c.get().getStore(NAMESPACE).get(c.get().getUniqueId(), TestServer.class);
            if (server != null) {
                return Optional.of(server);
            }
        }
        return Optional.empty();
    }

    private static boolean perMethod(Class<?> annotated) {
        return annotated != null && annotated.getAnnotation(RealServer.class).lifecycle() == Lifecycle.PER_METHOD;
    }

    /**
     * The test instances (the test's own and its outer ones, for a @Nested test) whose fields belong to
     * the server of {@code governing}: not an outer class's instance that has a server of its own.
     */
    private static List<Object> instancesOf(ExtensionContext context, Class<?> governing) {
        return context.getRequiredTestInstances().getAllInstances().stream()
                .filter(i -> governing == null || annotatedClass(i.getClass()) == governing)
                .toList();
    }

    /** The test class, or the nearest class enclosing it, that carries @RealServer. */
    private static Class<?> annotatedClass(Class<?> testClass) {
        for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
            if (c.isAnnotationPresent(RealServer.class)) {
                return c;
            }
        }
        return null;
    }

    /** The config of the enclosing classes, the test class, then the method, each over the one before. */
    private static JsonObject config(Class<?> testClass, Method method) {
        Deque<String> yaml = new ArrayDeque<>();
        if (method != null && method.isAnnotationPresent(RealServer.class)) {
            yaml.push(method.getAnnotation(RealServer.class).config());
        }
        for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
            if (c.isAnnotationPresent(RealServer.class)) {
                yaml.push(c.getAnnotation(RealServer.class).config());
            }
        }
        JsonObject merged = new JsonObject();
        yaml.forEach(text -> merged.mergeIn(TestServer.yaml(text), true));
        return merged;
    }

    private static void callBeforeServerStart(ExtensionContext context, Class<?> testClass, Path dir) throws Exception {
        for (Method m : testClass.getDeclaredMethods()) {
            if (!m.isAnnotationPresent(BeforeServerStart.class)) {
                continue;
            }
            Object target = null;
            if (!Modifier.isStatic(m.getModifiers())) {
                target = context.getTestInstances()
                        .flatMap(all -> all.findInstance(testClass))
                        .orElseThrow(() -> new ExtensionConfigurationException(m + " must be static, or the class"
                                + " @TestInstance(PER_CLASS): no instance exists before a server for the class"));
            }
            m.setAccessible(true);
            try {
                m.invoke(target, dir);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof Error error) {
                    throw error; // an assertion in the method fails the class as that assertion
                }
                throw e.getCause() instanceof Exception ex ? ex : e;
            }
        }
    }

    /** Sets the static ({@code instance} null) or instance fields of type TestServer in {@code type}. */
    private static void injectFields(Class<?> type, Object instance, TestServer server) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (f.getType() == TestServer.class && Modifier.isStatic(f.getModifiers()) == (instance == null)) {
                    try {
                        f.setAccessible(true);
                        f.set(instance, server);
                    } catch (IllegalAccessException e) {
                        throw new ExtensionConfigurationException("cannot set " + f, e);
                    }
                }
            }
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new AssertionError("the server's directory " + dir + " could not be deleted: " + e, e);
        }
    }
}
