package dev.jlive.itapps.kotlin

import kotlinx.coroutines.delay

/** The service's suspend function: it suspends in the middle, so each call runs in two fragments. */
class Greeter {
    suspend fun greet(name: String, times: Int): String {
        val greeting = "hello " + name
        delay(PAUSE_MILLIS)
        return greeting + " x" + times
    }

    companion object {
        const val PAUSE_MILLIS = 20L
    }
}
