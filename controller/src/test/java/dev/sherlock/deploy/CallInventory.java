package dev.sherlock.deploy;

import dev.sherlock.RepoFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The AWS operations Sherlock itself called during the integration tests ("ecs
 * RegisterTaskDefinition"), gathered from each controller's own call counter - not from the
 * sandbox's ledger, which also sees the tests' own calls. {@link LeastPrivilegeIT} compares them
 * with the task role of the CloudFormation template. The directory is the repository's target/,
 * shared by every module's tests.
 */
public final class CallInventory {
  private static final Path DIR = RepoFiles.root().resolve("target/aws-calls");

  private CallInventory() {}

  /** Records operations as "service Operation" (an outcome after them is dropped). */
  public static void record(Collection<String> calls) {
    Set<String> operations = new TreeSet<>();
    for (String call : calls) {
      String[] parts = call.split(" ");
      if (parts.length >= 2) {
        operations.add(parts[0] + " " + parts[1]);
      }
    }
    try {
      Files.createDirectories(DIR);
      Files.write(DIR.resolve(UUID.randomUUID() + ".txt"), operations);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every operation recorded so far in this build. */
  public static Set<String> all() throws IOException {
    Set<String> all = new TreeSet<>();
    if (!Files.isDirectory(DIR)) {
      return all;
    }
    try (Stream<Path> files = Files.list(DIR)) {
      for (Path file : files.toList()) {
        all.addAll(Files.readAllLines(file));
      }
    }
    return all;
  }
}
