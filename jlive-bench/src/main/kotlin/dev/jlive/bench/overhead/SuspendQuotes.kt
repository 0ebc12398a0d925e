package dev.jlive.bench.overhead

import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.yield

/**
 * The two-thread workload's quote as a Kotlin suspend function, for [KotlinSuspend]: the same
 * rounds as [Quote.quote], behind a suspension point that is never taken, so each call goes
 * through the compiled state machine and returns without suspending, as most calls of a suspend
 * function in a service do.
 */
object SuspendQuotes {
    private const val ROUNDS = 48

    suspend fun quote(sku: Int, qty: Int): Int {
        if (sku == -1) {
            yield()
        }
        var price = sku * -0x61c8864f + qty
        for (round in 0 until ROUNDS) {
            price = price xor (price ushr 15)
            price *= -0x7a143589
            price += round
        }
        return price
    }

    /** `calls` quotes in one coroutine, for a caller that is not one. */
    @JvmStatic
    fun quoteMany(from: Int, calls: Int): Int = runBlocking {
        var total = 0
        for (i in 0 until calls) {
            total += quote(from + i, i and 7)
        }
        total
    }
}
