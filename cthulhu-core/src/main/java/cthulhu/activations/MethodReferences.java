package cthulhu.activations;

import cthulhu.backend.K;

import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;

/**
 * Names a method reference to a built-in activation — {@code K::tanh}, {@code Activations::selu}
 * — by the method it refers to, the way Keras names a function object by its {@code __name__}.
 *
 * <p>Each evaluation of {@code K::tanh} makes a new object, so a registry that tells objects
 * apart cannot know it. Because {@link Activation} is serializable, the compiler records what a
 * method reference points at ({@link SerializedLambda}); that record, not the function's
 * behaviour, decides the name. Only a static one-argument method of {@link K} that computes a
 * Keras activation (the table below) or of {@link Activations} whose snake-case name is a
 * built-in activation is named; anything else — a lambda, a capturing reference, another
 * class's method — is not.
 */
final class MethodReferences {

    /** The {@link K} functions that are, exactly, a Keras activation: K method → activation name. */
    private static final Map<String, String> K_ACTIVATIONS = Map.of(
            "tanh", "tanh",
            "sigmoid", "sigmoid",
            "hardSigmoid", "hard_sigmoid",
            "softplus", "softplus",
            "softsign", "softsign",
            "relu", "relu",
            "exp", "exponential");

    private static final String SIGNATURE = "(Lcthulhu/backend/Tensor;)Lcthulhu/backend/Tensor;";

    private MethodReferences() {
    }

    /**
     * The built-in activation name {@code activation} refers to, when it is a method reference
     * of the kind described above.
     *
     * @param isBuiltIn tells whether a name is a built-in activation
     */
    static Optional<String> builtInName(Activation activation, java.util.function.Predicate<String> isBuiltIn) {
        SerializedLambda lambda = serializedForm(activation);
        if (lambda == null || lambda.getImplMethodKind() != MethodHandleInfo.REF_invokeStatic
                || lambda.getCapturedArgCount() != 0 || !lambda.getImplMethodSignature().equals(SIGNATURE)) {
            return Optional.empty();
        }
        String method = lambda.getImplMethodName();
        String name = switch (lambda.getImplClass().replace('/', '.')) {
            case "cthulhu.backend.K" -> K_ACTIVATIONS.get(method);
            case "cthulhu.activations.Activations" -> snakeCase(method);
            default -> null;
        };
        return name != null && isBuiltIn.test(name) ? Optional.of(name) : Optional.empty();
    }

    /** The compiler's record of a serializable lambda or method reference, or null for any other object. */
    private static SerializedLambda serializedForm(Activation activation) {
        if (!activation.getClass().isSynthetic()) {
            return null;
        }
        try {
            Method writeReplace = activation.getClass().getDeclaredMethod("writeReplace");
            writeReplace.setAccessible(true);
            Object replacement = writeReplace.invoke(activation);
            return replacement instanceof SerializedLambda lambda ? lambda : null;
        } catch (NoSuchMethodException e) {
            return null;
        } catch (InaccessibleObjectException e) {
            Class<?> type = activation.getClass();
            throw new IllegalStateException("Cannot read the method reference behind activation " + activation + ": module "
                    + type.getModule().getName() + " does not open package " + type.getPackageName() + " to cthulhu.core."
                    + " Add 'opens " + type.getPackageName() + " to cthulhu.core;' to its module-info, or name the activation"
                    + " (e.g. \"tanh\" instead of K::tanh)", e);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("Cannot read the method reference behind activation " + activation, e);
        }
    }

    /** {@code hardSigmoid} → {@code hard_sigmoid}. */
    private static String snakeCase(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }
}
