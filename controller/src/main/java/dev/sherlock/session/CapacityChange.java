package dev.sherlock.session;

/**
 * What Sherlock did to a service's capacity so that it can be undone: the floor it raised (the
 * scalable target's minimum, or the desired count when there is no target), what it was before, and
 * what it was raised to.
 *
 * @param scalableTarget whether the floor is an Application Auto Scaling minimum
 * @param floorBefore the minimum (or desired count) before
 * @param maxBefore the target's maximum before (raised too when it was below the new floor)
 * @param desiredBefore the service's desired count before
 * @param raisedTo the floor Sherlock set
 */
public record CapacityChange(
    boolean scalableTarget, int floorBefore, int maxBefore, int desiredBefore, int raisedTo) {
  public CapacityChange raisedTo(int floor) {
    return new CapacityChange(scalableTarget, floorBefore, maxBefore, desiredBefore, floor);
  }
}
