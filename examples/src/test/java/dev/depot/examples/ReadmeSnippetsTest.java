package dev.depot.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every README code block marked {@code <!-- snippet: PATH -->} is that file of this repository
 * less its {@code package} line, so what a reader pastes is exactly what the build compiles and runs.
 */
class ReadmeSnippetsTest {
    private static final Pattern SNIPPET = Pattern.compile("<!-- snippet: (\\S+) -->\n```java\n(.*?)\n```", Pattern.DOTALL);

    @Test
    void everyMarkedSnippetIsItsFileVerbatim() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        String readme = Files.readString(root.resolve("README.md"));
        Matcher m = SNIPPET.matcher(readme);
        int checked = 0;
        while (m.find()) {
            String file = Files.readString(root.resolve(m.group(1)));
            String expected = file.replaceFirst("^package [^\\n]*\\n\\n", "").stripTrailing();
            assertThat(m.group(2)).as("README snippet of %s", m.group(1)).isEqualTo(expected);
            checked++;
        }
        assertThat(checked).as("marked snippets in README.md").isGreaterThanOrEqualTo(3);
    }
}
