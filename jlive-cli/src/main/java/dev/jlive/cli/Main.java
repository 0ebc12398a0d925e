package dev.jlive.cli;

/** {@code java -jar jlive.jar ...}: the {@code jlive} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(JLiveCommand.run(args, System.out, System.err));
  }
}
