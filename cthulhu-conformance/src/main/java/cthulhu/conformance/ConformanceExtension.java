package cthulhu.conformance;

import cthulhu.backend.Backend;
import cthulhu.backend.Backends;
import cthulhu.backend.DType;
import cthulhu.backend.K;
import cthulhu.backend.Settings;
import cthulhu.backend.TensorScope;
import org.junit.jupiter.api.extension.DynamicTestInvocationContext;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.function.Supplier;

/**
 * Runs every conformance test on the backend and float type that the running suite names.
 *
 * <p>A backend module's {@code @Suite} class sets two JUnit configuration parameters:
 * {@value #BACKEND_KEY} (the backend's {@link Backend#name()}, e.g. {@code pure}) and
 * {@value #FLOATX_KEY} ({@code float32} or {@code float64}). This extension reads them and runs
 * each test method, lifecycle method and test-class constructor inside
 * {@link K#withBackend(Backend, Supplier)} and {@link K#withFloatx(String, Supplier)}. Each test
 * method also runs in its own {@link TensorScope}, so the tensors it creates are released when it
 * ends (tensors made in {@code @BeforeEach}/{@code @BeforeAll} are not scoped).
 *
 * <p>JUnit falls back to system properties of the same names, so a single class can also be
 * run from an IDE with {@code -Dcthulhu.conformance.backend=pure -Dcthulhu.conformance.floatx=float64}.
 * A test run with neither fails with an {@link ExtensionConfigurationException} that says how to
 * configure it: the suite never silently runs on a default backend.
 *
 * <p>Nothing is skipped: an assumption that fails ({@code Assumptions.assumeTrue}, or any
 * {@link TestAbortedException}) in a test or lifecycle method is turned into a failure, because
 * the expectations are identical for every backend. Assertion failures are prefixed with
 * {@code [backend, floatx]}, since both suites of a module run the same test names.
 *
 * <p>A test method may declare a {@link SuiteTarget} parameter to learn what the suite was
 * configured with.
 *
 * <p>Argument sources ({@code @MethodSource}, {@code @CsvSource}) are evaluated outside the
 * interceptor: they must produce plain Java values (doubles, arrays), never tensors.
 */
public final class ConformanceExtension implements InvocationInterceptor, ParameterResolver,
        TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {

    /** The configuration parameter naming the backend under test, e.g. {@code pure}. */
    public static final String BACKEND_KEY = "cthulhu.conformance.backend";
    /** The configuration parameter naming the float type under test: {@code float32} or {@code float64}. */
    public static final String FLOATX_KEY = "cthulhu.conformance.floatx";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ConformanceExtension.class);

    /** The backend and float type of one suite run. */
    private record Target(Backend backend, DType floatx) {
    }

    /** Creates the extension; JUnit instantiates it through {@code @ExtendWith}. */
    public ConformanceExtension() {
    }

    @Override
    public <T> T interceptTestClassConstructor(Invocation<T> invocation,
            ReflectiveInvocationContext<Constructor<T>> invocationContext, ExtensionContext context) throws Throwable {
        return run(target(context), invocation);
    }

    @Override
    public void interceptBeforeAllMethod(Invocation<Void> invocation,
            ReflectiveInvocationContext<Method> invocationContext, ExtensionContext context) throws Throwable {
        run(target(context), invocation);
    }

    @Override
    public void interceptBeforeEachMethod(Invocation<Void> invocation,
            ReflectiveInvocationContext<Method> invocationContext, ExtensionContext context) throws Throwable {
        run(target(context), invocation);
    }

    @Override
    public void interceptTestMethod(Invocation<Void> invocation,
            ReflectiveInvocationContext<Method> invocationContext, ExtensionContext context) throws Throwable {
        runScoped(target(context), invocation);
    }

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation,
            ReflectiveInvocationContext<Method> invocationContext, ExtensionContext context) throws Throwable {
        runScoped(target(context), invocation);
    }

    @Override
    public <T> T interceptTestFactoryMethod(Invocation<T> invocation,
            ReflectiveInvocationContext<Method> invocationContext, ExtensionContext context) throws Throwable {
        return run(target(context), invocation);
    }

    @Override
    public void interceptDynamicTest(Invocation<Void> invocation, DynamicTestInvocationContext invocationContext,
            ExtensionContext context) throws Throwable {
        runScoped(target(context), invocation);
    }

    @Override
    public void interceptAfterEachMethod(Invocation<Void> invocation,
            ReflectiveInvocationContext<Method> invocationContext, ExtensionContext context) throws Throwable {
        run(target(context), invocation);
    }

    @Override
    public void interceptAfterAllMethod(Invocation<Void> invocation,
            ReflectiveInvocationContext<Method> invocationContext, ExtensionContext context) throws Throwable {
        run(target(context), invocation);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == SuiteTarget.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Target t = target(extensionContext);
        return new SuiteTarget(t.backend().name(), t.floatx());
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw noSkipping(context, throwable);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw noSkipping(context, throwable);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw noSkipping(context, throwable);
    }

    private static Throwable noSkipping(ExtensionContext context, Throwable throwable) {
        String where = where(context);
        if (throwable instanceof TestAbortedException) {
            return new AssertionFailedError(where + "Conformance tests never skip: " + context.getDisplayName()
                    + " was aborted by an assumption (" + throwable.getMessage() + "). The expectations are the "
                    + "same for every backend and float type; assert instead.", throwable);
        }
        if (throwable instanceof AssertionFailedError failure) {
            // Both suites run the same test names; the prefix says which backend and float type failed.
            AssertionFailedError named = failure.isExpectedDefined() || failure.isActualDefined()
                    ? new AssertionFailedError(where + failure.getMessage(),
                            failure.getExpected() == null ? null : failure.getExpected().getValue(),
                            failure.getActual() == null ? null : failure.getActual().getValue(), failure.getCause())
                    : new AssertionFailedError(where + failure.getMessage(), failure.getCause());
            named.setStackTrace(failure.getStackTrace());
            return named;
        }
        throwable.addSuppressed(new IllegalStateException(where + "while running " + context.getDisplayName()));
        return throwable;
    }

    private static String where(ExtensionContext context) {
        Target t = target(context);
        return "[" + t.backend().name() + ", " + t.floatx().kerasName() + "] ";
    }

    private static void runScoped(Target target, Invocation<Void> invocation) throws Throwable {
        run(target, () -> {
            TensorScope scope = TensorScope.open();
            try {
                return invocation.proceed();
            } finally {
                scope.close();
            }
        });
    }

    private static <T> T run(Target target, Invocation<T> invocation) throws Throwable {
        Throwable[] failure = new Throwable[1];
        T result = K.withBackend(target.backend(), () -> K.withFloatx(target.floatx().kerasName(), () -> {
            try {
                return invocation.proceed();
            } catch (Throwable t) {
                failure[0] = t;
                return null;
            }
        }));
        if (failure[0] != null) {
            throw failure[0];
        }
        return result;
    }

    private static Target target(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Target.class, k -> resolve(context), Target.class);
    }

    private static Target resolve(ExtensionContext context) {
        String backend = parameter(context, BACKEND_KEY, "the backend's name, e.g. pure");
        String floatx = parameter(context, FLOATX_KEY, "float32 or float64");
        DType dtype;
        try {
            dtype = DType.of(floatx);
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("Configuration parameter " + FLOATX_KEY + " is '" + floatx
                    + "': " + e.getMessage(), e);
        }
        Backend b = Backends.resolve(new Settings(backend, "JUnit configuration parameter " + BACKEND_KEY,
                dtype, K.epsilon()));
        return new Target(b, dtype);
    }

    private static String parameter(ExtensionContext context, String key, String expected) {
        return context.getConfigurationParameter(key).filter(v -> !v.isBlank()).map(String::trim)
                .orElseThrow(() -> new ExtensionConfigurationException("The conformance suite needs the JUnit "
                        + "configuration parameter " + key + " (" + expected + "). Run it through a backend module's "
                        + "@Suite class, e.g. @Suite @SelectPackages(\"cthulhu.conformance\") "
                        + "@ConfigurationParameter(key = \"" + BACKEND_KEY + "\", value = \"pure\") "
                        + "@ConfigurationParameter(key = \"" + FLOATX_KEY + "\", value = \"float32\"), "
                        + "or pass -D" + key + "=... to run one class; see cthulhu-conformance/README.md"));
    }
}
