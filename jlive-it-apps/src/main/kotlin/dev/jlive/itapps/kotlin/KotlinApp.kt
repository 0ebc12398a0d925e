package dev.jlive.itapps.kotlin

import java.util.concurrent.atomic.AtomicLong
import java.util.concurrent.atomic.AtomicReference
import kotlin.concurrent.thread
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking

/**
 * A Kotlin coroutine service: WORKERS coroutines on Dispatchers.Default call Greeter.greet in a loop
 * and check each answer. stdin commands: "stats" prints calls, errors, the last answer and the last
 * error; closing stdin ends the app.
 */
object KotlinApp {
    private const val WORKERS = 4
    private val calls = AtomicLong()
    private val errors = AtomicLong()
    private val lastAnswer = AtomicReference("")
    private val lastError = AtomicReference("")

    @JvmStatic
    fun main(args: Array<String>) = runBlocking {
        val greeter = Greeter()
        val jobs = (1..WORKERS).map { worker ->
            launch(Dispatchers.Default) {
                var round = 0
                while (true) {
                    round++
                    try {
                        val answer = greeter.greet("w$worker", round)
                        if (!answer.endsWith(" x$round") || !answer.contains("w$worker")) {
                            throw IllegalStateException("wrong answer '$answer' for w$worker round $round")
                        }
                        lastAnswer.set(answer)
                        calls.incrementAndGet()
                    } catch (cancelled: CancellationException) {
                        throw cancelled
                    } catch (failure: Throwable) {
                        errors.incrementAndGet()
                        lastError.set(failure.toString())
                        System.err.println("greet failed: $failure")
                    }
                }
            }
        }
        println("ready pid=" + ProcessHandle.current().pid())
        val done = kotlinx.coroutines.CompletableDeferred<Unit>()
        thread(name = "kotlin-app-stdin", isDaemon = true) {
            val input = System.`in`.bufferedReader()
            while (true) {
                val line = input.readLine() ?: break
                if (line.trim() == "stats") {
                    println("stats calls=${calls.get()} errors=${errors.get()} last=${lastAnswer.get()} error=${lastError.get()}")
                }
            }
            done.complete(Unit)
        }
        done.await()
        jobs.forEach { it.cancel() }
    }
}
