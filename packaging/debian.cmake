# The Debian package (`cmake --build --preset release --target package`): the two programs in /usr/bin,
# the tokenizer helper in /usr/lib/pretrain-studio, the menu entry, icons, AppStream metadata and man
# pages. Dependencies are what dpkg-shlibdeps finds the programs linked against, plus the Qt platform
# plugins a window needs (loaded at run time, so no link shows them).
set(app_id io.github.pretrainstudio.PretrainStudio)

# Relocations read-only and bound at start (what Debian's hardening asks of installed programs; lintian's
# hardening-no-bindnow).
foreach(program pretrain pretrain-studio pretrain-tokenizer)
  target_link_options(${program} PRIVATE LINKER:-z,relro,-z,now)
endforeach()
set(res ${PROJECT_SOURCE_DIR}/resources)

install(FILES ${res}/${app_id}.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${res}/${app_id}.metainfo.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
install(FILES ${res}/icons/pretrain-studio.svg DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps
        RENAME ${app_id}.svg)
foreach(size 48 128 256)
  install(FILES ${res}/icons/${size}x${size}/pretrain-studio.png
          DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps RENAME ${app_id}.png)
endforeach()
# The sample corpus's fetcher, for a first run that has no corpus yet (README: Sample corpus).
install(PROGRAMS ${PROJECT_SOURCE_DIR}/packaging/fetch-sample-corpus.mjs
        DESTINATION ${CMAKE_INSTALL_DATADIR}/pretrain-studio)

# Man pages from the programs' own --help, so they never disagree with it.
set(man_dir ${CMAKE_BINARY_DIR}/man)
add_custom_command(
  OUTPUT ${man_dir}/pretrain.1.gz ${man_dir}/pretrain-studio.1.gz
  COMMAND ${CMAKE_COMMAND} -E make_directory ${man_dir}
  COMMAND ${CMAKE_COMMAND} -DPROGRAM=$<TARGET_FILE:pretrain> -DNAME=pretrain
          "-DSUMMARY=pre-train and query language models from the command line" -DVERSION=${PROJECT_VERSION}
          -DOUT=${man_dir}/pretrain.1 -DCOMMANDS=ON -P ${PROJECT_SOURCE_DIR}/packaging/man_page.cmake
  COMMAND ${CMAKE_COMMAND} -DPROGRAM=$<TARGET_FILE:pretrain-studio> -DNAME=pretrain-studio
          "-DSUMMARY=see how a language model learns: pre-train and explore it" -DVERSION=${PROJECT_VERSION}
          -DOUT=${man_dir}/pretrain-studio.1 -P ${PROJECT_SOURCE_DIR}/packaging/man_page.cmake
  COMMAND gzip -9nf ${man_dir}/pretrain.1 ${man_dir}/pretrain-studio.1
  DEPENDS pretrain pretrain-studio ${PROJECT_SOURCE_DIR}/packaging/man_page.cmake
  COMMENT "Man pages from --help")
add_custom_target(man_pages ALL DEPENDS ${man_dir}/pretrain.1.gz ${man_dir}/pretrain-studio.1.gz)
install(FILES ${man_dir}/pretrain.1.gz ${man_dir}/pretrain-studio.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

# What Debian policy asks of every package: its copyright and changelog in /usr/share/doc/<package>.
set(doc_dir ${CMAKE_INSTALL_DATADIR}/doc/pretrain-studio)
add_custom_command(
  OUTPUT ${CMAKE_BINARY_DIR}/changelog.gz
  COMMAND gzip -9nc ${PROJECT_SOURCE_DIR}/packaging/debian/changelog > ${CMAKE_BINARY_DIR}/changelog.gz
  DEPENDS ${PROJECT_SOURCE_DIR}/packaging/debian/changelog)
add_custom_target(debian_changelog ALL DEPENDS ${CMAKE_BINARY_DIR}/changelog.gz)
install(FILES ${CMAKE_BINARY_DIR}/changelog.gz ${PROJECT_SOURCE_DIR}/packaging/debian/copyright
        DESTINATION ${doc_dir})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME pretrain-studio)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "Pretrain Studio authors")
set(CPACK_PACKAGE_CONTACT "Pretrain Studio authors <pretrain-studio@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "pre-train a small language model and watch it learn")
# CPack puts the summary above this as the synopsis line.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "Pretrain Studio trains SentencePiece tokenizers and GPT-style (next-word) or\n\
BERT-style (masked-word) language models on a corpus of your own text, with\n\
LibTorch on the CPU, and shows how they learn: loss and perplexity live,\n\
next-word probabilities and masked-word guesses as training goes on. The\n\
pretrain command does the same without a display, and exports models for\n\
Hugging Face transformers.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "qt6-qpa-plugins")
# OpenBLAS makes training ~15x faster than the reference BLAS LibTorch falls back on (docs/performance.md);
# Node.js and npm fetch the sample corpus on first use.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libopenblas0-openmp, nodejs, npm")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
