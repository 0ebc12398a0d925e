package dev.jlive.controller.rollout;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The gates' word on a wave's window: pass, fail or waiting (too little traffic yet), with the
 * verdict in wire form (the figures of canary and control that decided it) for the rollout's
 * record.
 */
record Judgement(Outcome outcome, Map<String, Object> verdict, String summary) {
  enum Outcome {
    PASS,
    FAIL,
    WAITING
  }

  /** What the driver asks: judge the window between two snapshots of the processes' metrics. */
  interface Judge {
    /**
     * @param start per process, per change id, the cumulative metrics in wire form when the window
     *     opened
     * @param end the same, now
     */
    Judgement judge(
        JudgedRollout rollout,
        Map<String, Map<String, Object>> start,
        Map<String, Map<String, Object>> end,
        Set<String> canary,
        Set<String> control);
  }

  /** What a judge needs of the rollout: its gates, their minimum calls and the metrics probe. */
  record JudgedRollout(List<String> gates, long minCalls, String autoProbe) {}
}
