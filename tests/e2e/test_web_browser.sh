#!/usr/bin/env bash
# A township clerk's day in a real browser: Selenium (Debian's
# python3-selenium with chromium-driver) drives headless Chromium through
# the login form, a birth entry with a date typed the Chinese way, a
# re-post of the same form after Back, a double click, an upload of an
# xlsx register with bad rows, a GB18030 register with Chinese headers and
# a 姓名 column, a workbook with Excel date cells, the township page's list
# of today, a dekad report and the logout; after each step the server's
# counters are read with the real popstat client.  Screenshots of the entry
# form, the uploads and the report are kept (BROWSER_ARTIFACTS).  Skipped,
# with a line saying so, only where Selenium or chromedriver is missing;
# .ci/run installs them.
. "$(dirname "$0")/lib.sh" "${1:-bin}"

if ! command -v chromedriver >/dev/null ||
    ! python3 -c 'import selenium' 2>/dev/null; then
	echo "test_web_browser: skipped: needs chromium-driver and python3-selenium"
	echo "$TEST_NAME: 0 passed, 0 failed"
	exit 0
fi

HPORT=$(free_port)
start_server --http 127.0.0.1:"$HPORT"
for _ in $(seq 1 100); do
	(exec 3<>/dev/tcp/127.0.0.1/"$HPORT") 2>/dev/null && break
	sleep 0.05
done
"$PS" -q unit add 610328 陈仓区 --level county
"$PS" -q unit add 610328101 城关镇 --parent 610328 --level township
"$PS" -q unit add 610328102 天成镇 --parent 610328 --level township
CLERK=$("$PS" user add clerk1 --role clerk --unit 610328101)

python3 - "$WORK/reg.xlsx" <<'EOF'
import sys, openpyxl
wb = openpyxl.Workbook(); ws = wb.active
ws.append(["编号", "单位", "出生日期", "性别", "孩次", "是否符合政策", "母亲身份证号"])
for i in range(40):
    ws.append(["u%d" % i, "610328101", "2026-13-01" if i in (3, 17) else "2026-11-02",
               "女", 1, "符合", None])
ws.append(["u99", "610328102", "2026-11-02", "女", 1, "符合", None])
wb.save(sys.argv[1])
EOF
# A township's own register: GB18030 text, Chinese headers, a 姓名 column
# (dropped with "ignore unknown columns"), dates written the Chinese way
# and as Excel date cells.
python3 - "$WORK/reg-gb.csv" "$WORK/reg-dates.xlsx" <<'EOF'
import sys, datetime, openpyxl
rows = ["编号,单位代码,出生日期,性别,孩次,是否符合政策,母亲身份证号,姓名",
        "g1,610328101,2026年11月5日,男,1,是,,张三",
        "g2,610328101,2026/11/6,女,2,否,,李四",
        "g3,610328101,20261107,女,1,是,,王五",
        "g4,610328101,11/08/2026,男,1,是,,赵六"]
open(sys.argv[1], "wb").write(("\r\n".join(rows) + "\r\n").encode("gb18030"))
wb = openpyxl.Workbook(); ws = wb.active
ws.append(["编号", "单位", "出生日期", "性别", "孩次", "政策", "母亲身份证号"])
for i in range(5):
    ws.append(["d%d" % i, "610328101", datetime.datetime(2026, 11, 12 + i), "女", 1, "是", None])
wb.save(sys.argv[2])
EOF

mkdir -p "$WORK/profile"
timeout 120 python3 - "http://127.0.0.1:$HPORT" "$CLERK" "$PS" "$WORK" \
    > "$WORK/selenium.out" 2> "$WORK/selenium.err" <<'EOF'
import json, os, subprocess, sys, time
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

base, token, ps, work = sys.argv[1:5]
passed = failed = 0

def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL: " + what, file=sys.stderr)

def births(unit="610328101"):
    out = subprocess.run([ps, "status", "--unit", unit, "--period", "2026", "--json"],
                         capture_output=True, text=True).stdout
    return int(json.loads(out)["counters"]["births"])

def wait_for(driver, css):
    return WebDriverWait(driver, 30).until(lambda d: d.find_element(By.CSS_SELECTOR, css))

opts = webdriver.ChromeOptions()
for a in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
          "--no-first-run", "--disable-background-networking",
          "--disable-component-update", "--disable-sync",
          "--disable-dev-shm-usage", "--window-size=1200,1000",
          "--user-data-dir=" + os.path.join(work, "profile")):
    opts.add_argument(a)
opts.binary_location = "/usr/bin/chromium"
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
try:
    # ---- login
    driver.get(base + "/entry?kind=birth")
    check("/login" in driver.current_url, "the entry page sends to the login form")
    driver.find_element(By.ID, "token").send_keys(token)
    driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button").click()
    wait_for(driver, "form#entry")
    check(driver.current_url.endswith("/entry?kind=birth"), "back at the form after login")
    cookie = driver.get_cookie("popstat_session")
    check(cookie is not None and cookie.get("httpOnly") and cookie.get("sameSite") == "Strict",
          "the session cookie is HttpOnly and SameSite=Strict")
    check("孩次" in driver.page_source, "Chinese labels")
    check(births() == 0, "no births before the entry")

    # ---- one birth, the date typed as a person types it
    def fill(date):
        f = driver.find_element(By.ID, "f-date")
        f.clear()
        f.send_keys(date)
        Select(driver.find_element(By.ID, "f-sex")).select_by_value("M")
        b = driver.find_element(By.ID, "f-birth_order")
        b.clear()
        b.send_keys("1")
        Select(driver.find_element(By.ID, "f-policy")).select_by_value("Y")
    fill("2026年11月20日")
    driver.find_element(By.ID, "save").click()
    r = wait_for(driver, "#result")
    check("stored" in r.get_attribute("class"), "the birth is stored: " + r.text)
    check(births() == 1, "one birth after the entry")

    # ---- Back, and the same form sent again: a duplicate
    driver.back()
    wait_for(driver, "form#entry")
    fill("2026年11月20日")
    driver.find_element(By.ID, "save").click()
    r = wait_for(driver, "#result")
    check("duplicate" in r.get_attribute("class"), "the re-posted form is a duplicate: " + r.text)
    check(births() == 1, "still one birth after Back and resubmit")

    # ---- a double click on a new form: one record
    driver.get(base + "/entry?kind=birth")
    fill("2026-11-21")
    ActionChains(driver).double_click(driver.find_element(By.ID, "save")).perform()
    wait_for(driver, "#result")
    time.sleep(0.2)
    for _ in range(50):
        if births() >= 2:
            break
        time.sleep(0.05)
    check(births() == 2, "a double click stores one record (births %d)" % births())
    today = driver.find_element(By.ID, "today").text
    check(today.count("web-") == 2, "the township page lists today's two entries")

    # ---- an upload with bad rows
    driver.get(base + "/upload")
    driver.find_element(By.ID, "f-file").send_keys(os.path.join(work, "reg.xlsx"))
    driver.find_element(By.ID, "send").click()
    s = wait_for(driver, "#summary")
    check(s.text == "accepted 38, duplicate 0, rejected 3", "upload summary: " + s.text)
    rows = driver.find_elements(By.CSS_SELECTOR, "table#rejected tbody tr")
    check(len(rows) == 3, "three rejected rows shown (%d)" % len(rows))
    check(any("不在本账号" in r.text for r in rows), "the other township's row says why")
    check(births() == 40, "38 births more after the upload (%d)" % births())
    links = driver.find_elements(By.CSS_SELECTOR, "a[href^='/upload/rejected']")
    check(len(links) == 2, "csv and xlsx downloads of the rejected rows")
    driver.save_screenshot(os.path.join(work, "upload.png"))

    # ---- the township's GB18030 register, its 姓名 column ignored
    driver.get(base + "/upload")
    driver.find_element(By.ID, "f-file").send_keys(os.path.join(work, "reg-gb.csv"))
    driver.find_element(By.ID, "f-ignore").click()
    driver.find_element(By.ID, "send").click()
    s = wait_for(driver, "#summary")
    check(s.text == "accepted 3, duplicate 0, rejected 1", "GB18030 upload: " + s.text)
    rows = driver.find_elements(By.CSS_SELECTOR, "table#rejected tbody tr")
    check(len(rows) == 1 and rows[0].text.startswith("5 出生日期 (date)"),
          "the day-first date is rejected on line 5: %s" % [r.text for r in rows])
    check(births() == 43, "three births more from the GB18030 file (%d)" % births())
    driver.save_screenshot(os.path.join(work, "upload-gb.png"))

    # ---- a workbook with Chinese headers and Excel date cells
    driver.get(base + "/upload")
    driver.find_element(By.ID, "f-file").send_keys(os.path.join(work, "reg-dates.xlsx"))
    driver.find_element(By.ID, "send").click()
    s = wait_for(driver, "#summary")
    check(s.text == "accepted 5, duplicate 0, rejected 0", "xlsx with date cells: " + s.text)
    check(births() == 48, "five births more from the workbook (%d)" % births())
    out = subprocess.run([ps, "status", "--unit", "610328101", "--period",
                          "2026-11-12..2026-11-16", "--json"], capture_output=True, text=True).stdout
    check(int(json.loads(out)["counters"]["births"]) == 5,
          "the date cells are the days 12-16 November")

    # ---- the township page: today's list from the database
    driver.get(base + "/entry")
    today = driver.find_element(By.ID, "today").text
    check("5 条" in today and "3 条" in today, "today's list shows the uploads: " + today)
    driver.get(base + "/entry?kind=birth")
    wait_for(driver, "form#entry")
    driver.save_screenshot(os.path.join(work, "entry.png"))

    # ---- the dekad report
    driver.get(base + "/report?unit=610328101&period=2026-11D1")
    held = wait_for(driver, "#held-births").text
    check(held == "41", "the report form shows the 41 births held (%s)" % held)
    driver.save_screenshot(os.path.join(work, "report.png"))
    driver.find_element(By.ID, "file").click()
    r = wait_for(driver, "#result")
    check("已上报" in r.text, "the report is filed: " + r.text)
    out = subprocess.run([ps, "report", "status", "--parent", "610328", "--period",
                          "2026-11D1", "--json"], capture_output=True, text=True).stdout
    st = [u for u in json.loads(out)["units"] if u["unit"] == "610328101"]
    check(st and st[0]["filed"] == 1, "the server holds the filed report: %s" % st)
    check(births() == 48, "the report changes no counter")

    # ---- the ranking in a narrow window (600 px, where the user's 1200 px
    # trial with more columns wrapped): no header or unit name wraps inside
    # a word (each text node of a th or td.name is one line box); the
    # table scrolls in its box instead.
    driver.set_window_size(600, 1000)
    driver.get(base + "/ranking?parent=610328&period=2026")
    wait_for(driver, "table#ranking")
    wrapped = driver.execute_script("""
        var out = [];
        document.querySelectorAll('#ranking th, #ranking td.name').forEach(
          function (c) {
            var w = document.createTreeWalker(c, NodeFilter.SHOW_TEXT), t;
            while ((t = w.nextNode())) {
              if (!t.data.trim()) continue;
              var r = document.createRange(); r.selectNodeContents(t);
              var n = Array.from(r.getClientRects()).filter(
                function (x) { return x.width > 0; }).length;
              if (n > 1) out.push(t.data);
            }
          });
        return [out, document.querySelectorAll('#ranking th').length];""")
    check(wrapped[1] >= 4, "the ranking has its header cells (%d)" % wrapped[1])
    check(wrapped[0] == [], "no header or unit name wraps: %s" % wrapped[0])
    driver.set_window_size(1200, 1000)

    # ---- logout
    driver.find_element(By.CSS_SELECTOR, "form[action='/logout'] button").click()
    WebDriverWait(driver, 30).until(lambda d: "/login" in d.current_url)
    driver.get(base + "/entry")
    check("/login" in driver.current_url, "after logout the entry page needs a login")
    check(births() == 48, "births unchanged after logout")
finally:
    driver.quit()
print("%d %d" % (passed, failed))
EOF
rc=$?
cat "$WORK/selenium.err" | grep -v '^$' | grep -i 'fail\|error\|Traceback' >&2
read -r p f < <(tail -n 1 "$WORK/selenium.out" 2>/dev/null || echo "0 1")
if [ "$rc" -ne 0 ] && [ "${f:-1}" = 0 ]; then f=1; fi
PASS=$((PASS + ${p:-0}))
FAIL=$((FAIL + ${f:-1}))
mkdir -p "${BROWSER_ARTIFACTS:-$WORK}"
for shot in upload upload-gb entry report; do
	if [ -s "$WORK/$shot.png" ]; then ok_; else fail_ "no screenshot $shot.png"; fi
	cp "$WORK/$shot.png" "${BROWSER_ARTIFACTS:-$WORK}/web-$shot.png" 2>/dev/null
done
finish
