package dev.sherlock.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An OCI image tarball (an image layout: index.json, blobs/sha256/...) unpacked onto disk: its
 * config, and its layers applied in order into one root, as a container runtime would lay them out.
 */
record OciImage(Path root, JsonNode config, JsonNode manifest) {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  static OciImage unpack(Path tarball, Path root) throws IOException {
    Path layout = Files.createDirectories(root.resolveSibling(root.getFileName() + ".oci"));
    untar(tarball, layout, "xf");
    JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
    JsonNode manifest = JSON.readTree(blob(layout, index.at("/manifests/0/digest")).toFile());
    JsonNode config = JSON.readTree(blob(layout, manifest.at("/config/digest")).toFile());
    Files.createDirectories(root);
    for (JsonNode layer : manifest.path("layers")) {
      untar(blob(layout, layer.path("digest")), root, "xzf");
    }
    try (var files = Files.walk(root)) {
      // Jib's layers never delete; a whiteout would mean this simple unpacking is wrong.
      if (files.anyMatch(f -> f.getFileName().toString().startsWith(".wh."))) {
        throw new IllegalStateException("whiteout files in " + tarball);
      }
    }
    return new OciImage(root, config, manifest);
  }

  /** The entrypoint with these arguments (the task definition's Command), ready to start here. */
  List<String> entrypoint(List<String> arguments) throws IOException {
    List<String> command = new ArrayList<>();
    config.at("/config/Entrypoint").forEach(word -> command.add(word.asText()));
    command.addAll(arguments);
    return rooted(command);
  }

  /**
   * A command as the image would run it, on this machine: {@code java} is the JVM running this
   * test, an argument file ({@code @/app/jib-classpath-file}) is copied with its paths moved into
   * the root, and any other path the image holds points into the root.
   */
  List<String> rooted(List<String> command) throws IOException {
    List<String> here = new ArrayList<>();
    for (String word : command) {
      if (here.isEmpty() && word.equals("java")) {
        here.add(ProcessHandle.current().info().command().orElseThrow());
      } else if (word.startsWith("@/")) {
        Path argfile = Files.createTempFile(root.getParent(), "argfile", "");
        Files.writeString(argfile, inRoot(Files.readString(inImage(word.substring(1)))));
        here.add("@" + argfile);
      } else if (word.startsWith("/") && Files.exists(inImage(word))) {
        here.add(inImage(word).toString());
      } else {
        here.add(word);
      }
    }
    return here;
  }

  /** The entries of the image's classpath file, as the image has them. */
  List<String> classpath() throws IOException {
    return Arrays.asList(Files.readString(inImage("/app/jib-classpath-file")).strip().split(":"));
  }

  long compressedSize() {
    long size = 0;
    for (JsonNode layer : manifest.path("layers")) {
      size += layer.path("size").asLong();
    }
    return size;
  }

  private Path inImage(String absolute) {
    return root.resolve(absolute.substring(1));
  }

  private String inRoot(String classpath) {
    return Arrays.stream(classpath.strip().split(":"))
        .map(entry -> entry.startsWith("/") ? inImage(entry).toString() : entry)
        .collect(Collectors.joining(":"));
  }

  private static Path blob(Path layout, JsonNode digest) {
    return layout.resolve("blobs").resolve(digest.asText().replace(':', '/'));
  }

  private static void untar(Path archive, Path into, String mode) throws IOException {
    try {
      Process tar =
          new ProcessBuilder("tar", mode, archive.toString(), "-C", into.toString())
              .redirectErrorStream(true)
              .start();
      String output = new String(tar.getInputStream().readAllBytes());
      if (tar.waitFor() != 0) {
        throw new IOException("tar " + mode + " " + archive + ": " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
