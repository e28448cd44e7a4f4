package dev.sherlock.policy.load;

import com.fasterxml.jackson.databind.JsonNode;

/** One document of a YAML file as a JSON tree, with where each of its nodes came from. */
public record YamlDocument(String file, int index, JsonNode root, SourceMap positions) {}
