package cthulhu.backend;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Finds and chooses backends: the one place that decides which backend runs.
 *
 * <p>Candidates are the backends registered with {@link #register(Backend)} and those that
 * {@link ServiceLoader} finds through both the thread's context class loader and core's own.
 * Each provider class is instantiated once, so every lookup of a backend name — the global
 * choice, {@code K.withBackend(name, …)} — yields the same object and its tensors mix freely.
 * The choice follows {@link Settings}: a backend the user named (system property, environment
 * variable or config file) must be found and must load, or {@link #resolve} throws a
 * {@link BackendUnavailableException} that lists every backend found, why each was rejected,
 * the ways to choose another and the artifact to add; there is never a silent fallback. When the
 * user named none, the available backend of highest {@link Backend#priority()} wins and each
 * unavailable one is skipped with a logged warning saying why.
 */
public final class Backends {

    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);

    /** The backends this project ships, by name, with the artifact that provides each. */
    private static final Map<String, String> KNOWN_ARTIFACTS = Map.of(
            "pure", "io.cthulhu:cthulhu-backend-pure",
            "nd4j", "io.cthulhu:cthulhu-backend-nd4j",
            "djl", "io.cthulhu:cthulhu-backend-djl");

    private static final List<Backend> REGISTERED = new CopyOnWriteArrayList<>();
    private static final Set<String> PROVIDER_ERRORS = ConcurrentHashMap.newKeySet();
    private static final Map<Backend, Throwable> PROBED = new ConcurrentHashMap<>();
    private static final Map<Class<? extends Backend>, Backend> INSTANCES = new ConcurrentHashMap<>();
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();
    private static final Throwable AVAILABLE = new Throwable("available");

    private Backends() {
    }

    /**
     * Makes a backend a candidate without a service file, e.g. one built by the application.
     * A registered backend shadows a discovered one of the same name.
     */
    public static void register(Backend backend) {
        REGISTERED.add(0, backend);
    }

    /** Every candidate backend, one per name: registered ones first, then discovered ones. */
    public static List<Backend> discover() {
        Map<String, Backend> byName = new LinkedHashMap<>();
        for (Backend b : REGISTERED) {
            byName.putIfAbsent(b.name(), b);
        }
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        for (ClassLoader loader : new ClassLoader[] {context, Backends.class.getClassLoader()}) {
            if (loader == null) {
                continue;
            }
            var iterator = ServiceLoader.load(Backend.class, loader).stream().iterator();
            while (true) {
                try {
                    if (!iterator.hasNext()) {
                        break;
                    }
                    // One instance per provider class: tensors made through one lookup of a backend
                    // must work with every later lookup of the same backend.
                    ServiceLoader.Provider<Backend> provider = iterator.next();
                    Backend b = INSTANCES.computeIfAbsent(provider.type(), type -> provider.get());
                    byName.putIfAbsent(b.name(), b);
                } catch (ServiceConfigurationError | LinkageError e) {
                    // A provider whose class cannot even be instantiated is reported, not fatal:
                    // the others may still serve.
                    PROVIDER_ERRORS.add(e.toString());
                    LOG.warn("A cthulhu backend could not be instantiated: {}", e.toString());
                }
            }
        }
        return List.copyOf(byName.values());
    }

    /**
     * Proves a backend works here, once: the result is cached.
     *
     * @return null when available, else the reason it is not
     */
    public static Throwable probe(Backend backend) {
        return unwrap(PROBED.computeIfAbsent(backend, b -> {
            try {
                b.checkAvailable();
                return AVAILABLE;
            } catch (Exception | LinkageError e) {
                return e;
            }
        }));
    }

    private static Throwable unwrap(Throwable t) {
        return t == AVAILABLE ? null : t;
    }

    /**
     * Chooses the backend the settings ask for.
     *
     * @throws BackendUnavailableException when the named backend is absent or cannot load, or no
     *     backend at all can run
     */
    public static Backend resolve(Settings settings) {
        return resolve(settings, discover());
    }

    /**
     * Chooses among the given candidates as {@link #resolve(Settings)} does.
     *
     * @throws BackendUnavailableException when the named backend is absent or cannot load, or no
     *     candidate can run
     */
    public static Backend resolve(Settings settings, List<Backend> found) {
        if (settings.backend() != null) {
            String wanted = settings.backend();
            Backend match = found.stream().filter(b -> b.name().equals(wanted)).findFirst().orElse(null);
            if (match == null) {
                throw new BackendUnavailableException("Backend '" + wanted + "' was requested by "
                        + settings.backendSource() + " but is not on the classpath. " + describe(found)
                        + " " + howToAdd(wanted) + " " + howToChoose());
            }
            Throwable failure = probe(match);
            if (failure != null) {
                throw new BackendUnavailableException("Backend '" + wanted + "' was requested by "
                        + settings.backendSource() + " but cannot run on this machine: " + failure + ". "
                        + describe(found) + " " + howToChoose(), failure);
            }
            log(match, settings.backendSource());
            return match;
        }
        List<Backend> byPriority = new ArrayList<>(found);
        byPriority.sort(Comparator.comparingInt(Backend::priority).reversed());
        for (Backend b : byPriority) {
            Throwable failure = probe(b);
            if (failure == null) {
                log(b, "highest priority among the available backends");
                return b;
            }
            LOG.warn("Skipping cthulhu backend '{}' ({}): it cannot run on this machine: {}",
                    b.name(), b.artifact(), failure.toString());
        }
        throw new BackendUnavailableException("No cthulhu backend can run. " + describe(found)
                + " Add io.cthulhu:cthulhu-backend-pure (plain Java, no native code) to your dependencies, or "
                + "io.cthulhu:cthulhu-backend-nd4j or io.cthulhu:cthulhu-backend-djl. " + howToChoose());
    }

    private static void log(Backend b, String why) {
        // Once per backend and reason: K.withBackend resolves on every call.
        if (LOGGED.add(b.name() + " by " + why)) {
            LOG.info("cthulhu backend: {} (priority {}, {}), chosen by {}", b.name(), b.priority(), b.artifact(), why);
        }
    }

    /** "Found: pure (available), djl (unavailable: ...)." */
    static String describe(List<Backend> found) {
        String providerErrors = PROVIDER_ERRORS.isEmpty() ? ""
                : " Providers that could not be instantiated: " + String.join("; ", PROVIDER_ERRORS) + ".";
        if (found.isEmpty()) {
            return "Found no backend on the classpath (no META-INF/services/cthulhu.backend.Backend)." + providerErrors;
        }
        StringBuilder s = new StringBuilder("Found: ");
        for (int i = 0; i < found.size(); i++) {
            Backend b = found.get(i);
            Throwable failure = probe(b);
            s.append(i == 0 ? "" : ", ").append(b.name()).append(" (priority ").append(b.priority()).append(", ")
                    .append(failure == null ? "available" : "unavailable: " + failure).append(')');
        }
        return s.append('.').append(providerErrors).toString();
    }

    private static String howToAdd(String wanted) {
        String artifact = KNOWN_ARTIFACTS.get(wanted);
        if (artifact != null) {
            return "Add the Maven artifact " + artifact + " to your dependencies.";
        }
        return "No backend of that name ships with cthulhu; the shipped ones are "
                + String.join(", ", KNOWN_ARTIFACTS.keySet().stream().sorted().toList()) + " ("
                + String.join(", ", KNOWN_ARTIFACTS.values().stream().sorted().toList()) + ").";
    }

    private static String howToChoose() {
        return "Choose a backend with -D" + Settings.BACKEND_PROPERTY + "=<name>, the environment variable "
                + Settings.BACKEND_ENV + ", or {\"backend\": \"<name>\"} in ~/.cthulhu/cthulhu.json.";
    }
}
