// The Debian package (packaging/debian.cmake), built as `--target package` builds it: what it holds, what it
// depends on, and that Debian's own checkers accept it and its menu entry and AppStream metadata. (Installing
// it on a clean Debian 12 is done by hand; README, Install the package.)
#include <QtCore/QDir>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

namespace {

struct Result {
  int exitCode = -1;
  QByteArray out;
};

Result run(const QString& program, const QStringList& args) {
  QProcess p;
  p.setProcessChannelMode(QProcess::MergedChannels);
  p.start(program, args);
  if (!p.waitForFinished(600000) || p.exitStatus() != QProcess::NormalExit) return {-1, p.readAll()};
  return {p.exitCode(), p.readAll()};
}

const char* kAppId = "io.github.pretrainstudio.PretrainStudio";

}  // namespace

class TstPackage : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;
  QString m_deb, m_root;

 private Q_SLOTS:
  void initTestCase() {
    const Result made = run(PRETRAIN_CPACK, {"-G", "DEB", "-B", m_dir.path(), "--config",
                                             PRETRAIN_BINARY_DIR "/CPackConfig.cmake"});
    QVERIFY2(made.exitCode == 0, made.out.constData());
    const QStringList debs = QDir(m_dir.path()).entryList({"pretrain-studio_*_amd64.deb"});
    QCOMPARE(debs.size(), 1);
    m_deb = m_dir.filePath(debs.front());
    m_root = m_dir.filePath("root");
    QCOMPARE(run("dpkg-deb", {"-x", m_deb, m_root}).exitCode, 0);
  }

  void holdsTheProgramsAndTheirDesktopParts() {
    for (const QString& file :
         {QString("usr/bin/pretrain"), QString("usr/bin/pretrain-studio"),
          QString("usr/lib/pretrain-studio/pretrain-tokenizer"),
          QString("usr/share/applications/%1.desktop").arg(kAppId),
          QString("usr/share/metainfo/%1.metainfo.xml").arg(kAppId),
          QString("usr/share/icons/hicolor/scalable/apps/%1.svg").arg(kAppId),
          QString("usr/share/icons/hicolor/48x48/apps/%1.png").arg(kAppId),
          QString("usr/share/icons/hicolor/256x256/apps/%1.png").arg(kAppId),
          QString("usr/share/man/man1/pretrain.1.gz"), QString("usr/share/man/man1/pretrain-studio.1.gz"),
          QString("usr/share/doc/pretrain-studio/copyright"),
          QString("usr/share/pretrain-studio/fetch-sample-corpus.mjs")})
      QVERIFY2(QFile::exists(m_root + "/" + file), qPrintable(file));
    // The menu entry starts a program the package installs.
    QFile desktop(m_root + QString("/usr/share/applications/%1.desktop").arg(kAppId));
    QVERIFY(desktop.open(QIODevice::ReadOnly));
    QVERIFY(desktop.readAll().contains("\nExec=pretrain-studio %F\n"));
    // Every subcommand is in the man page (it is made from --help).
    const Result man = run("sh", {"-c", "zcat " + m_root + "/usr/share/man/man1/pretrain.1.gz"});
    for (const char* command : {"tokenize", "train", "export", "upgrade-run", "bench"})
      QVERIFY2(man.out.contains(QByteArray(".SS \"pretrain ") + command + "\""), command);
  }

  void dependsOnWhatItLinksAndLoads() {
    const Result depends = run("dpkg-deb", {"-f", m_deb, "Depends"});
    for (const char* package : {"libtorch1.13", "libsentencepiece0", "libqt6widgets6", "qt6-qpa-plugins"})
      QVERIFY2(depends.out.contains(package), depends.out.constData());
  }

  void debianChecksAcceptIt() {
    const Result lintian = run("lintian", {"--fail-on", "error,warning", m_deb});
    QVERIFY2(lintian.exitCode == 0, lintian.out.constData());
    const Result desktop =
        run("desktop-file-validate", {m_root + QString("/usr/share/applications/%1.desktop").arg(kAppId)});
    QVERIFY2(desktop.exitCode == 0 && desktop.out.trimmed().isEmpty(), desktop.out.constData());
    const Result appstream =
        run("appstreamcli",
            {"validate", "--no-net", m_root + QString("/usr/share/metainfo/%1.metainfo.xml").arg(kAppId)});
    QVERIFY2(appstream.exitCode == 0, appstream.out.constData());
  }
};

QTEST_GUILESS_MAIN(TstPackage)
#include "tst_package.moc"
