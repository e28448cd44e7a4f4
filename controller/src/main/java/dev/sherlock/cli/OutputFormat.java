package dev.sherlock.cli;

/** How a command reports: for people (text) or for programs (json). */
public enum OutputFormat {
  text,
  json
}
