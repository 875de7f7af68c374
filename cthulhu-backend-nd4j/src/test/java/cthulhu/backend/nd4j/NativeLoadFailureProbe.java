package cthulhu.backend.nd4j;

import cthulhu.backend.BackendUnavailableException;
import cthulhu.backend.Backends;
import cthulhu.backend.DType;
import cthulhu.backend.Settings;

/** Run in a child JVM by {@link Nd4jBackendTest}: asks for the nd4j backend and prints what discovery reports. */
final class NativeLoadFailureProbe {

    private NativeLoadFailureProbe() {
    }

    public static void main(String[] args) {
        try {
            Backends.resolve(new Settings("nd4j", "the probe", DType.FLOAT32, 1e-7));
            System.out.println("RESOLVED");
        } catch (BackendUnavailableException e) {
            System.out.println("REPORT " + e.getMessage());
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                System.out.println("CAUSE " + cause);
            }
        }
    }
}
