# Sourced by the install-*.sh scripts: installs Debian packages the project needs when apt-get is
# there, as root or through sudo, and says what to install by hand when it is not.
#   apt_install "<what they are for>" "<what to do without apt-get>" package...
apt_install() {
  local purpose="$1" without_apt="$2"
  shift 2
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "$without_apt" >&2
    return 1
  fi
  local sudo=""
  if [ "$(id -u)" != "0" ]; then sudo="sudo"; fi
  echo "Installing $purpose…"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
