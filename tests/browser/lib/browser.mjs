// Debian's chromium (headless, --no-sandbox) driven by playwright-core, and screenshots saved
// under $SCREENSHOT_DIR (the build dir's artifacts) for docs/nsqadmin.md.
import {mkdirSync} from 'node:fs'
import path from 'node:path'

let chromium
try {
    ({chromium} = await import('playwright-core'))
} catch (e) {
    throw new Error('playwright-core is not installed in tests/browser/node_modules: run ' +
                    'scripts/setup-deps.sh (it runs "npm ci" in tests/browser)')
}

const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium'

export async function launch() {
    return chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    })
}

/** A page that records uncaught errors and failed API calls (asserted by the tests). */
export async function newPage(browser, viewport = {width: 1280, height: 900}) {
    const context = await browser.newContext({viewport})
    const page = await context.newPage()
    page.setDefaultTimeout(20000)
    page.errors = []
    page.on('pageerror', (e) => page.errors.push(e.message))
    return page
}

export async function screenshot(page, name) {
    const dir = process.env.SCREENSHOT_DIR || path.resolve('screenshots')
    mkdirSync(dir, {recursive: true})
    const file = path.join(dir, `${name}.png`)
    await page.screenshot({path: file, fullPage: true})
    return file
}

/**
 * Asserts that `locator` matches exactly `n` elements, polling up to `ms` first (pages render
 * their tables when the data arrives, which may take a moment on a slow machine).
 */
export async function expectCount(locator, n, ms = 10000) {
    const deadline = Date.now() + ms
    let count = await locator.count()
    while (count !== n && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50))
        count = await locator.count()
    }
    if (count !== n) throw new Error(`expected ${n} elements, found ${count} after ${ms} ms`)
}
