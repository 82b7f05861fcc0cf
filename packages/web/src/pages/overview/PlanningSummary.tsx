/** Target pacing and open alerts, from the planning API (filled in once it exists on the server). */
export function PlanningSummary() {
  return null;
}
