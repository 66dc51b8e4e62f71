package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a class's {@code main} in a JVM of its own with a small heap (this test's class path, C1 only
 * for a quick start), so a probe can show that an operation streams instead of holding its data: the
 * child runs out of memory if it does not. Returns the child's output once it exited normally.
 */
final class ChildJvm {
    private ChildJvm() {}

    static String run(String heap, Class<?> main, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = child.getInputStream().readAllBytes();
        assertThat(child.waitFor(10, TimeUnit.MINUTES)).as("%s exited", main.getSimpleName()).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(child.exitValue()).as(text).isZero();
        return text;
    }
}
