package dev.sherlock.policy;

/** One document of a policy file: the closed set of kinds Sherlock reads. */
public sealed interface PolicyDocument permits DebugPolicy, DebugSession {
  String API_VERSION = "sherlock.dev/v1alpha1";

  Metadata metadata();

  String kind();
}
