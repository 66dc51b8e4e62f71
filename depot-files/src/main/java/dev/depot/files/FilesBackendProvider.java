package dev.depot.files;

import dev.depot.DepotOptions;
import dev.depot.spi.Backend;
import dev.depot.spi.BackendProvider;
import dev.depot.spi.DepotUrl;
import java.nio.file.Path;
import java.util.Set;

/**
 * Serves {@code file:DIR} (also {@code file:///abs/dir}): blobs as plain files under {@code
 * DIR/blobs/<bucket>/<path>}, created on first use. Parameter {@code ?fsync=false} skips the disk
 * syncs (for tests and benchmarks: a crash of the machine, not of the process, may then lose or
 * tear recent writes).
 */
public final class FilesBackendProvider implements BackendProvider {

    @Override
    public Set<String> schemes() {
        return Set.of("file");
    }

    @Override
    public Backend open(DepotUrl url, DepotOptions options) {
        String rest = url.rest();
        boolean fsync = true;
        int q = rest.indexOf('?');
        if (q >= 0) {
            String params = rest.substring(q + 1);
            rest = rest.substring(0, q);
            for (String p : params.split("&")) {
                if (p.equals("fsync=false")) {
                    fsync = false;
                } else if (!p.isEmpty() && !p.equals("fsync=true")) {
                    throw new IllegalArgumentException("unknown parameter '" + p + "' in " + url + "; file: knows fsync=true|false");
                }
            }
        }
        if (rest.startsWith("//")) {
            rest = rest.substring(2); // file:///abs/dir, the URL form
        }
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("file: needs a directory, as in file:./data or file:/var/lib/app");
        }
        String encoding = System.getProperty("sun.jnu.encoding", "UTF-8");
        if (!encoding.equalsIgnoreCase("UTF-8")) {
            throw new IllegalStateException("file: needs UTF-8 file names, but this JVM encodes them as " + encoding
                    + "; run it with a UTF-8 locale (LANG=C.UTF-8)");
        }
        return new FilesBackend(FileRoot.acquire(Path.of(rest), fsync), url);
    }
}
