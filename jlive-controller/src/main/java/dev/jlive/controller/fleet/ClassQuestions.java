package dev.jlive.controller.fleet;

import dev.jlive.protocol.fleet.ClassAnswer;
import dev.jlive.protocol.fleet.ClassQuestion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The dashboard's open questions about loaded classes, each asked of a service's processes
 * connected here. Agents take no requests from the controller, so a question waits here until a
 * process's next sync answer carries it ({@link #pendingFor}); the process answers with a request
 * of its own ({@link #answer}). Bounded: a question lives only while its asker waits, and at most
 * {@link #MAX_OPEN} are open at once.
 */
final class ClassQuestions {
  static final int MAX_OPEN = 32;

  private final Map<String, Open> open = new ConcurrentHashMap<>();

  /** One question: the processes asked and what came back. */
  static final class Open {
    final String service;
    final ClassQuestion question;
    final Set<String> asked;
    final Map<String, ClassAnswer> answers = new ConcurrentHashMap<>();
    final CountDownLatch everyone;

    Open(String service, ClassQuestion question, Set<String> asked) {
      this.service = service;
      this.question = question;
      this.asked = Set.copyOf(asked);
      this.everyone = new CountDownLatch(asked.size());
    }
  }

  /** Opens a question; null when {@link #MAX_OPEN} are open already. */
  Open open(String service, ClassQuestion question, Set<String> processes) {
    if (open.size() >= MAX_OPEN) {
      return null;
    }
    Open asked = new Open(service, question, processes);
    open.put(question.id(), asked);
    return asked;
  }

  /** The answers that came within {@code waitMillis}; the question is closed. */
  List<ClassAnswer> await(Open question, long waitMillis) {
    try {
      question.everyone.await(waitMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      open.remove(question.question.id());
    }
    return new ArrayList<>(question.answers.values());
  }

  /** The open questions of the service that {@code process} was asked and has not answered. */
  List<ClassQuestion> pendingFor(String service, String process) {
    List<ClassQuestion> pending = new ArrayList<>();
    for (Open question : open.values()) {
      if (question.service.equals(service)
          && question.asked.contains(process)
          && !question.answers.containsKey(process)) {
        pending.add(question.question);
      }
    }
    return pending;
  }

  /** Keeps a process's answer to a question it was asked; others are ignored. */
  void answer(String service, ClassAnswer answer) {
    Open question = open.get(answer.question());
    if (question != null
        && question.service.equals(service)
        && question.asked.contains(answer.process())
        && question.answers.putIfAbsent(answer.process(), answer) == null) {
      question.everyone.countDown();
    }
  }
}
