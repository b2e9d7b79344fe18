#!/usr/bin/env bash
# Lighthouse scores (accessibility, best practices, SEO, mobile performance) of the home, case,
# list and report pages in English and Uyghur, as gunicorn serves them with production settings
# and compressed static files. Not part of `make test`; README, "Lighthouse", gives the figures.
#
#   bash bench/lighthouse/run.sh            (PORT=8090 by default; LIGHTHOUSE_RUNS=3 per page)
#
# Needs Debian's chromium, Node.js and npm; installs Lighthouse from npm into
# bench/lighthouse/node_modules and WhiteNoise into .venv. Data: the demo data in a SQLite file
# under a temporary folder; db.sqlite3 is never touched.
set -euo pipefail
cd "$(dirname "$0")/../.."

PORT=${PORT:-8090}
RUNS=${LIGHTHOUSE_RUNS:-3}
work=$(mktemp -d)
gunicorn_pid=""
cleanup() {
    if [ -n "$gunicorn_pid" ] && kill -0 "$gunicorn_pid" 2>/dev/null; then
        kill -TERM "$gunicorn_pid"; wait "$gunicorn_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

make --silent messages
.venv/bin/python -m pip install --quiet --group lighthouse 2>/dev/null
npm ci --prefix bench/lighthouse --no-audit --no-fund --silent

export DEBUG=false SECRET_KEY=lighthouse-only-not-a-secret ALLOWED_HOSTS=127.0.0.1
export SECURE_SSL_REDIRECT=false SECURE_COOKIES=false SECURE_HSTS_SECONDS=0 BEHIND_TLS_PROXY=false
export DATABASE_URL="sqlite:///$work/site.sqlite3" STATIC_ROOT="$work/static"
export MEDIA_ROOT="$work/media/public" PRIVATE_MEDIA_ROOT="$work/media/private"
export SITE_URL="http://127.0.0.1:$PORT" REDIS_URL="" OPEN_DATA_DIR="$work/open-data"
PY=.venv/bin/python
FIELD_ENCRYPTION_KEYS=$($PY -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')
LOOKUP_HASH_KEY=$($PY -c 'import secrets; print(secrets.token_urlsafe(32))')
BACKUP_RECIPIENTS=$($PY -c 'from pyrage import x25519; print(x25519.Identity.generate().to_public())')
export FIELD_ENCRYPTION_KEYS LOOKUP_HASH_KEY BACKUP_RECIPIENTS
.venv/bin/python manage.py migrate --verbosity=0
.venv/bin/python manage.py load_demo_data >/dev/null
.venv/bin/python manage.py collectstatic --noinput --verbosity=0
.venv/bin/python -m whitenoise.compress "$STATIC_ROOT" >/dev/null

GUNICORN_BIND="127.0.0.1:$PORT" GUNICORN_WORKERS=2 .venv/bin/gunicorn -c gunicorn.conf.py \
    --pythonpath bench/lighthouse lighthouse_wsgi:application >"$work/gunicorn.log" 2>&1 &
gunicorn_pid=$!
for _ in $(seq 50); do curl -fs -o /dev/null "$SITE_URL/en/" && break; sleep 0.2; done
kill -0 "$gunicorn_pid" 2>/dev/null || { cat "$work/gunicorn.log"; exit 1; }

case_path=$(curl -fs "$SITE_URL/en/cases/" | grep -o '/en/cases/[0-9A-Z]*/' | head -1)
export CHROME_PATH=$(command -v chromium)
printf "| page | accessibility | best practices | SEO | performance (mobile) |\n|---|---|---|---|---|\n"
for language in en ug; do
    for page in "" "${case_path#/en/}" cases/ report/; do
        url="$SITE_URL/$language/$page"
        for run in $(seq "$RUNS"); do
            bench/lighthouse/node_modules/.bin/lighthouse "$url" --quiet --output=json \
                --output-path="$work/report-$run.json" \
                --only-categories=accessibility,best-practices,seo,performance \
                --chrome-flags="--headless=new --no-sandbox --disable-gpu" 2>"$work/lighthouse.log" \
                || { tail -20 "$work/lighthouse.log"; exit 1; }
        done
        # The median run by performance, as Lighthouse's docs advise for a noisy machine.
        PAGE="/$language/$page" node -e '
            const runs = process.argv.slice(1).map(f => require(f).categories);
            const score = c => Math.round(c.score * 100);
            runs.sort((a, b) => a.performance.score - b.performance.score);
            const m = runs[Math.floor(runs.length / 2)];
            console.log(`| ${process.env.PAGE} | ${score(m.accessibility)} | ` +
                `${score(m["best-practices"])} | ${score(m.seo)} | ${score(m.performance)} |`);
        ' "$work"/report-*.json
        rm -f "$work"/report-*.json
    done
done
